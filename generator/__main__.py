import gc
import sys

from .cli import main

code = main()
# Every file is written and every child process waited for by now. Frozen objects are left
# out of the collection the interpreter runs on its way out, which over all that the run
# built took a twentieth of a cold build; the memory goes back to the system either way.
gc.freeze()
sys.exit(code)
