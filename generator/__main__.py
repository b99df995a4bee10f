import gc
import os
import sys

# The models use no pydantic plugin. Unless told so, pydantic's first validation looks for one
# in the entry points of every installed distribution: a few hundredths of a second of a cold
# build, spent before Graphviz can start. Set it yourself (to an empty value) to load them.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from .cli import main

code = main()
# Every file is written and every child process waited for by now. Frozen objects are left
# out of the collection the interpreter runs on its way out, which over all that the run
# built took a twentieth of a cold build; the memory goes back to the system either way.
gc.freeze()
sys.exit(code)
