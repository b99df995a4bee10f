# Generated from inventory.yml by `python -m generator build`. Do not edit; edit inventory.yml.
# The settings deploy.sh reads, for Rasa Pro 3.21.0 on Amazon Web Services.
# Fill in each empty value (deploy.sh stops at one before it changes anything), then, with bash:
#   source ./variables.sh && bash deploy.sh

# Your action server image, without the tag, in a registry the cluster can pull from.
export ACTION_SERVER_IMAGE=''
# Tag of your action server image.
export ACTION_SERVER_TAG=''
# S3 bucket that holds the model archives.
export BUCKET_NAME=''
# Region of the bucket.
export AWS_DEFAULT_REGION=''
# IAM role the pod assumes through IRSA (its trust policy names the cluster's OIDC provider and the service account rasa/rasa).
export AWS_ROLE_ARN=''
# Primary endpoint of the ElastiCache cache.
export REDIS_HOST=''
# Host name of the PostgreSQL server.
export DB_HOST=''
# Database that holds the conversations.
export DB_NAME=''
# Database user Rasa Pro logs in as.
export DB_USER=''
# Region where the Bedrock models are enabled.
export BEDROCK_REGION=''

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
