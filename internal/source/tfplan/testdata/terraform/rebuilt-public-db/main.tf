# Applied with --base on examples/startup-rebuilt: a reporting database for
# a BI vendor, made publicly accessible in the public subnets and opened to
# the world on MySQL's port through the Aurora group (oyatsu-db-sg) it
# shares. The internet then reaches it: public address, the public route
# table's route to the internet gateway, the group's new rule.
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

locals {
  db_sg          = "sg-0a1b2c3d4e5f60108" # oyatsu-db-sg
  public_subnets = ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012", "subnet-0a1b2c3d4e5f60013"]
}

resource "aws_security_group_rule" "db_mysql_world" {
  type              = "ingress"
  security_group_id = local.db_sg
  protocol          = "tcp"
  from_port         = 3306
  to_port           = 3306
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "temporary: BI vendor"
}

resource "aws_db_subnet_group" "reporting" {
  name       = "oyatsu-reporting"
  subnet_ids = local.public_subnets
}

resource "aws_db_instance" "reporting" {
  identifier                  = "oyatsu-reporting"
  engine                      = "mysql"
  engine_version              = "8.0"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "reporting"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.reporting.name
  vpc_security_group_ids      = [local.db_sg]
  availability_zone           = "ap-northeast-1a"
  publicly_accessible         = true
  skip_final_snapshot         = true
}
