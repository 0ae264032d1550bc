# Applied with --base on examples/startup-rebuilt: a "temporary" rule that
# opens the Aurora cluster's security group (oyatsu-db-sg) to the internet
# on MySQL's port, and a new public subnet with a route to the internet
# gateway for a vendor's bastion.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region                      = "ap-northeast-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_security_group_rule" "db_mysql_world" {
  type              = "ingress"
  security_group_id = "sg-0a1b2c3d4e5f60108"
  protocol          = "tcp"
  from_port         = 3306
  to_port           = 3306
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "temporary: vendor access"
}
