# Generated from inventory.yml by `python -m generator build`. Do not edit; edit inventory.yml.
# The settings deploy.sh reads, for Rasa Pro 3.21.0 on Google Cloud.
# Fill in each empty value (deploy.sh stops at one before it changes anything), then, with bash:
#   source ./variables.sh && bash deploy.sh

# Your action server image, without the tag, in a registry the cluster can pull from.
export ACTION_SERVER_IMAGE=''
# Tag of your action server image.
export ACTION_SERVER_TAG=''
# Cloud Storage bucket that holds the model archives.
export BUCKET_NAME=''
# Google service account the pod acts as; allow the Kubernetes service account rasa/rasa to use it (roles/iam.workloadIdentityUser).
export GCP_SERVICE_ACCOUNT=''
# IP address of the Memorystore instance.
export REDIS_HOST=''
# File with the instance's server CA certificate (PEM).
export REDIS_CA_FILE=''
# Host name of the PostgreSQL server.
export DB_HOST=''
# Database that holds the conversations.
export DB_NAME=''
# Database user Rasa Pro logs in as.
export DB_USER=''
# Google Cloud project that runs the Vertex AI models.
export VERTEXAI_PROJECT=''
# Vertex AI region of the models.
export VERTEXAI_LOCATION=''

# Secrets are asked for (not shown as you type) unless exported already; none is written to a file.
rpa_ask() {
  if [ -z "${!1:-}" ]; then IFS= read -rsp "$1: " "$1" && echo >&2; fi
  export "${1?}"
}
rpa_ask RASA_LICENSE
rpa_ask AUTH_TOKEN
rpa_ask JWT_SECRET
rpa_ask REDIS_PASSWORD
rpa_ask DB_PASSWORD
unset -f rpa_ask
