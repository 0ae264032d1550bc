#!/usr/bin/env bash
# snapshot.sh — save an AWS account's network as a vpcdoctor snapshot, with
# the AWS CLI only (read-only Describe/List/Get calls).
#
#   scripts/snapshot.sh OUT_DIR REGION [REGION...]
#
# Example:
#   AWS_PROFILE=prod scripts/snapshot.sh snapshots/prod ap-northeast-1 us-east-1
#   vpcdoctor scan snapshots/prod
#
# Each call's output goes to OUT_DIR/REGION/<service>-<operation>.json exactly
# as the CLI prints it; per-resource calls go to a folder named after the
# call, one file per resource named by its URL-encoded ID or ARN. A call that
# fails (AccessDenied, a service not offered in the region) leaves no file and
# a warning: vpcdoctor then reports it as "not collected".
set -uo pipefail
export AWS_PAGER=""

if [ $# -lt 2 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
out=$1
shift

urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# save FILE CMD...: run the AWS CLI and keep its output only if it succeeded.
save() {
  local file=$1
  shift
  if aws "$@" --output json > "$file.tmp" 2> "$file.err"; then
    mv "$file.tmp" "$file"
    rm -f "$file.err"
  else
    echo "warning: aws $* failed: $(tr '\n' ' ' < "$file.err")" >&2
    rm -f "$file.tmp" "$file.err"
  fi
}

# ids CMD...: print the values a --query selects, one per word.
ids() { aws "$@" --output text 2> /dev/null | tr '\t' '\n' | grep -v '^None$' || true; }

mkdir -p "$out"
save "$out/sts-get-caller-identity.json" sts get-caller-identity

for region in "$@"; do
  dir="$out/$region"
  mkdir -p "$dir"
  echo "collecting $region" >&2
  for c in "ec2 describe-vpcs" "ec2 describe-subnets" "ec2 describe-route-tables" \
           "ec2 describe-internet-gateways" "ec2 describe-egress-only-internet-gateways" \
           "ec2 describe-nat-gateways" "ec2 describe-network-acls" \
           "ec2 describe-security-groups" "ec2 describe-network-interfaces" \
           "ec2 describe-instances" "ec2 describe-vpc-endpoints" \
           "ec2 describe-vpc-peering-connections" "ec2 describe-managed-prefix-lists" \
           "ec2 describe-flow-logs" \
           "elbv2 describe-load-balancers" "elbv2 describe-target-groups" \
           "elb describe-load-balancers" "rds describe-db-instances" \
           "rds describe-db-clusters" "elasticache describe-cache-subnet-groups" \
           "lambda list-functions" "ecs list-clusters"; do
    read -r svc op <<< "$c"
    save "$dir/$svc-$op.json" "$svc" "$op" --region "$region"
  done
  save "$dir/elasticache-describe-cache-clusters.json" elasticache describe-cache-clusters --show-cache-node-info --region "$region"

  mkdir -p "$dir/ec2-get-managed-prefix-list-entries"
  for pl in $(ids ec2 describe-managed-prefix-lists --region "$region" --query 'PrefixLists[].PrefixListId'); do
    save "$dir/ec2-get-managed-prefix-list-entries/$(urlenc "$pl")" ec2 get-managed-prefix-list-entries --prefix-list-id "$pl" --region "$region"
  done

  mkdir -p "$dir/elbv2-describe-listeners"
  for lb in $(ids elbv2 describe-load-balancers --region "$region" --query 'LoadBalancers[].LoadBalancerArn'); do
    save "$dir/elbv2-describe-listeners/$(urlenc "$lb")" elbv2 describe-listeners --load-balancer-arn "$lb" --region "$region"
  done

  mkdir -p "$dir/elbv2-describe-target-health" "$dir/elbv2-describe-target-group-attributes"
  for tg in $(ids elbv2 describe-target-groups --region "$region" --query 'TargetGroups[].TargetGroupArn'); do
    save "$dir/elbv2-describe-target-health/$(urlenc "$tg")" elbv2 describe-target-health --target-group-arn "$tg" --region "$region"
    save "$dir/elbv2-describe-target-group-attributes/$(urlenc "$tg")" elbv2 describe-target-group-attributes --target-group-arn "$tg" --region "$region"
  done

  # ECS: describe-services takes 10 services a call and describe-tasks 100
  # tasks, so each cluster gets a folder with one file per batch.
  mkdir -p "$dir/ecs-list-services" "$dir/ecs-describe-services" "$dir/ecs-list-tasks" "$dir/ecs-describe-tasks"
  for cl in $(ids ecs list-clusters --region "$region" --query 'clusterArns[]'); do
    f=$(urlenc "$cl")
    save "$dir/ecs-list-services/$f" ecs list-services --cluster "$cl" --region "$region"
    mkdir -p "$dir/ecs-describe-services/$f"
    ids ecs list-services --cluster "$cl" --region "$region" --query 'serviceArns[]' | split -l 10 - "$dir/ecs-describe-services/$f/batch-"
    for batch in "$dir/ecs-describe-services/$f"/batch-*; do
      [ -e "$batch" ] || continue
      mapfile -t svcs < "$batch"
      save "$batch.json" ecs describe-services --cluster "$cl" --services "${svcs[@]}" --include TAGS --region "$region"
      rm -f "$batch"
    done
    save "$dir/ecs-list-tasks/$f" ecs list-tasks --cluster "$cl" --region "$region"
    mkdir -p "$dir/ecs-describe-tasks/$f"
    ids ecs list-tasks --cluster "$cl" --region "$region" --query 'taskArns[]' | split -l 100 - "$dir/ecs-describe-tasks/$f/batch-"
    for batch in "$dir/ecs-describe-tasks/$f"/batch-*; do
      [ -e "$batch" ] || continue
      mapfile -t tasks < "$batch"
      save "$batch.json" ecs describe-tasks --cluster "$cl" --tasks "${tasks[@]}" --include TAGS --region "$region"
      rm -f "$batch"
    done
  done
done
echo "saved $out; next: vpcdoctor scan $out" >&2
