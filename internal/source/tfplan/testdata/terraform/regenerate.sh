#!/usr/bin/env bash
# Regenerates the plans in testdata/ from the configurations beside this
# script with a real Terraform and AWS provider (no AWS account needed: the
# configurations only create, -refresh=false, and the credentials are fake).
#
#   internal/source/tfplan/testdata/terraform/regenerate.sh [PLUGIN_DIR]
#
# PLUGIN_DIR holds registry.terraform.io/hashicorp/aws/5.100.0/... (a
# provider mirror, `terraform providers mirror`); without it `terraform init`
# downloads the provider.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plugins=()
if [ $# -gt 0 ]; then plugins=(-plugin-dir="$1"); fi
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=example TF_IN_AUTOMATION=1
for dir in "$here"/*/; do
	name=$(basename "$dir")
	work=$(mktemp -d)
	cp -R "$dir"/. "$work"/
	(
		cd "$work"
		terraform init -input=false "${plugins[@]}" >/dev/null
		terraform plan -input=false -refresh=false -out=plan.bin >/dev/null
		terraform show -json plan.bin | python3 -m json.tool --indent 2 >"$here/../$name.json"
	)
	rm -rf "$work"
	echo "wrote testdata/$name.json"
done
