"""Build the story's all-public account in moto (an AWS API emulator).

Run against a moto_server endpoint:
    AWS_ENDPOINT_URL=http://127.0.0.1:PORT python3 build_account.py

It creates, with ordinary boto3 calls, what the SRE in the story inherited:
one VPC whose only subnets route to an internet gateway, a security group
that accepts everything from 0.0.0.0/0 reused by web servers and a
database, SSH open to the world, an internet-facing ALB in front of the web
servers, and a publicly accessible database.
"""
import os

import boto3

REGION = "ap-northeast-1"
kw = dict(region_name=REGION, endpoint_url=os.environ["AWS_ENDPOINT_URL"])
ec2 = boto3.client("ec2", **kw)
elbv2 = boto3.client("elbv2", **kw)
rds = boto3.client("rds", **kw)

vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "story-vpc"}])
igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
main_rt = ec2.describe_route_tables(
    Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}]
)["RouteTables"][0]["RouteTableId"]
ec2.create_route(RouteTableId=main_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)

subnets = []
for i, az in enumerate(["ap-northeast-1a", "ap-northeast-1c"]):
    s = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=s, MapPublicIpOnLaunch={"Value": True})
    ec2.create_tags(Resources=[s], Tags=[{"Key": "Name", "Value": f"public-{az[-2:]}"}])
    subnets.append(s)

common = ec2.create_security_group(GroupName="common-sg", Description="reused everywhere", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=common, IpPermissions=[
    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
])
ssh = ec2.create_security_group(GroupName="ops-ssh", Description="ssh from anywhere", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
])
alb_sg = ec2.create_security_group(GroupName="alb-sg", Description="web", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=alb_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]} for p in (80, 443)
])

web = []
for i, s in enumerate(subnets):
    inst = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.small",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": s, "Groups": [common], "AssociatePublicIpAddress": True}],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"web-{i + 1}"}]}],
    )["Instances"][0]["InstanceId"]
    web.append(inst)
ec2.run_instances(
    ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.medium",
    NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnets[0], "Groups": [common, ssh], "AssociatePublicIpAddress": True}],
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "batch-1"}]}],
)

lb = elbv2.create_load_balancer(Name="web-alb", Subnets=subnets, SecurityGroups=[alb_sg], Scheme="internet-facing", Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
tg = elbv2.create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": i, "Port": 80} for i in web])
elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])

rds.create_db_subnet_group(DBSubnetGroupName="db-subnets", DBSubnetGroupDescription="public", SubnetIds=subnets)
rds.create_db_instance(
    DBInstanceIdentifier="story-db", DBInstanceClass="db.t3.medium", Engine="mysql", AllocatedStorage=20,
    MasterUsername="admin", MasterUserPassword="not-a-secret-1", DBSubnetGroupName="db-subnets",
    VpcSecurityGroupIds=[common], PubliclyAccessible=True,
)
print(vpc)
