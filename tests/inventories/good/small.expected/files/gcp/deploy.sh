#!/usr/bin/env bash
# Generated from inventory.yml by `python -m generator build`. Do not edit; edit inventory.yml.
# Deploy Rasa Pro 3.21.0 on Google Cloud with the rasa Helm chart 2.4.0.
# Run it next to values.yml with kubectl and helm (3.8 or later) pointed at your cluster, after
# exporting the variables below. Running it again updates the deployment.
set -euo pipefail

# The values this deployment takes from your shell:
: "${RASA_LICENSE:?export RASA_LICENSE first (values.yml says what it holds)}"
: "${AUTH_TOKEN:?export AUTH_TOKEN first (values.yml says what it holds)}"
: "${JWT_SECRET:?export JWT_SECRET first (values.yml says what it holds)}"
: "${ACTION_SERVER_IMAGE:?export ACTION_SERVER_IMAGE first (values.yml says what it holds)}"
: "${ACTION_SERVER_TAG:?export ACTION_SERVER_TAG first (values.yml says what it holds)}"
: "${BUCKET_NAME:?export BUCKET_NAME first (values.yml says what it holds)}"
: "${GCP_SERVICE_ACCOUNT:?export GCP_SERVICE_ACCOUNT first (values.yml says what it holds)}"
: "${REDIS_HOST:?export REDIS_HOST first (values.yml says what it holds)}"
: "${REDIS_PASSWORD:?export REDIS_PASSWORD first (values.yml says what it holds)}"
: "${REDIS_CA_FILE:?export REDIS_CA_FILE first (values.yml says what it holds)}"
: "${DB_HOST:?export DB_HOST first (values.yml says what it holds)}"
: "${DB_NAME:?export DB_NAME first (values.yml says what it holds)}"
: "${DB_USER:?export DB_USER first (values.yml says what it holds)}"
: "${DB_PASSWORD:?export DB_PASSWORD first (values.yml says what it holds)}"
: "${VERTEXAI_PROJECT:?export VERTEXAI_PROJECT first (values.yml says what it holds)}"
: "${VERTEXAI_LOCATION:?export VERTEXAI_LOCATION first (values.yml says what it holds)}"

# 1. The namespace
kubectl create namespace rasa --dry-run=client --output=yaml | kubectl apply --filename=-

# 2. The credentials (Secret) and settings (ConfigMaps) that values.yml reads
kubectl --namespace=rasa create secret generic rasa-secrets \
  --from-literal=rasaProLicense="$RASA_LICENSE" \
  --from-literal=authToken="$AUTH_TOKEN" \
  --from-literal=jwtSecret="$JWT_SECRET" \
  --from-literal=REDIS_PASSWORD="$REDIS_PASSWORD" \
  --from-literal=DB_PASSWORD="$DB_PASSWORD" \
  --dry-run=client --output=yaml | kubectl apply --filename=-
kubectl --namespace=rasa create configmap rasa-config \
  --from-literal=BUCKET_NAME="$BUCKET_NAME" \
  --from-literal=REDIS_HOST="$REDIS_HOST" \
  --from-literal=DB_HOST="$DB_HOST" \
  --from-literal=DB_NAME="$DB_NAME" \
  --from-literal=DB_USER="$DB_USER" \
  --from-literal=VERTEXAI_PROJECT="$VERTEXAI_PROJECT" \
  --from-literal=VERTEXAI_LOCATION="$VERTEXAI_LOCATION" \
  --dry-run=client --output=yaml | kubectl apply --filename=-
kubectl --namespace=rasa create configmap rasa-config-files \
  --from-file=redis-ca-file="$REDIS_CA_FILE" \
  --dry-run=client --output=yaml | kubectl apply --filename=-

# 3. Install or upgrade the chart, and wait until its pods are ready
helm repo add rasa https://helm.rasa.com/charts --force-update
helm upgrade --install rasa rasa/rasa --version 2.4.0 --namespace=rasa \
  --values=values.yml \
  --set-string actionServer.image.repository="$ACTION_SERVER_IMAGE" \
  --set-string actionServer.image.tag="$ACTION_SERVER_TAG" \
  --set-string 'rasa.serviceAccount.annotations.iam\.gke\.io/gcp-service-account'="$GCP_SERVICE_ACCOUNT" \
  --wait --timeout=10m

# 4. Restart Rasa Pro so that it reads changed settings, and wait for the new pods
kubectl --namespace=rasa rollout restart deployment/rasa
kubectl --namespace=rasa rollout status deployment/rasa --timeout=10m

# 5. First check: Rasa Pro answers with its version
kubectl --namespace=rasa port-forward service/rasa 5005:5005 >/dev/null &
forward=$!
trap 'kill "$forward"' EXIT
for attempt in $(seq 1 10); do
  if curl --silent --show-error --fail http://127.0.0.1:5005/; then echo; exit 0; fi
  echo "waiting for Rasa Pro ($attempt)..." >&2
  sleep 3
done
echo "Rasa Pro did not answer; see: kubectl --namespace=rasa logs deployment/rasa" >&2
exit 1
