# Every resource type vpcdoctor reads from a plan, once, in a small
# three-tier network: an ALB in public subnets, instances, an ECS service and
# a Lambda function in private subnets, databases and caches in data
# subnets. Nothing here is meant to be insecure except the SSH rule.
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

resource "aws_vpc" "main" {
  cidr_block                       = "10.30.0.0/16"
  assign_generated_ipv6_cidr_block = false
  tags                             = { Name = "every-type" }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_egress_only_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet("10.30.0.0/16", 8, count.index)
  availability_zone       = ["ap-northeast-1a", "ap-northeast-1c"][count.index]
  map_public_ip_on_launch = true
  tags                    = { Name = "public-${count.index}" }
}

resource "aws_subnet" "private" {
  for_each          = { a = "10.30.10.0/24", c = "10.30.11.0/24" }
  vpc_id            = aws_vpc.main.id
  cidr_block        = each.value
  availability_zone = "ap-northeast-1${each.key}"
  tags              = { Name = "private-${each.key}" }
}

resource "aws_subnet" "data" {
  for_each          = { a = "10.30.20.0/24", c = "10.30.21.0/24" }
  vpc_id            = aws_vpc.main.id
  cidr_block        = each.value
  availability_zone = "ap-northeast-1${each.key}"
  tags              = { Name = "data-${each.key}" }
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
  route {
    ipv6_cidr_block        = "::/0"
    egress_only_gateway_id = aws_egress_only_internet_gateway.main.id
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.main.id
}

resource "aws_main_route_table_association" "main" {
  vpc_id         = aws_vpc.main.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_network_acl" "data" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.data["a"].id]
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "10.30.0.0/16"
    from_port  = 0
    to_port    = 65535
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
}

resource "aws_network_acl_rule" "data_deny_rdp" {
  network_acl_id = aws_network_acl.data.id
  rule_number    = 90
  egress         = false
  protocol       = "tcp"
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
  from_port      = 3389
  to_port        = 3389
}

resource "aws_network_acl_association" "data_c" {
  network_acl_id = aws_network_acl.data.id
  subnet_id      = aws_subnet.data["c"].id
}

resource "aws_security_group" "alb" {
  name        = "alb"
  description = "load balancer"
  vpc_id      = aws_vpc.main.id
  ingress {
    description = "HTTPS from the internet"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "db" {
  name        = "db"
  description = "databases and caches"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group_rule" "web_from_alb" {
  type                     = "ingress"
  security_group_id        = module.app.web_security_group_id
  source_security_group_id = aws_security_group.alb.id
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
}

resource "aws_security_group_rule" "web_ssh_world" {
  type              = "ingress"
  security_group_id = module.app.web_security_group_id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_vpc_security_group_ingress_rule" "db_mysql_from_web" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = module.app.web_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_vpc_security_group_ingress_rule" "db_redis_from_web" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = module.app.web_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_vpc_security_group_egress_rule" "db_none" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "10.30.0.0/16"
  ip_protocol       = "-1"
}

module "app" {
  source     = "./modules/app"
  vpc_id     = aws_vpc.main.id
  subnet_ids = [for s in aws_subnet.private : s.id]
}

resource "aws_network_interface" "extra" {
  subnet_id       = aws_subnet.private["a"].id
  private_ips     = ["10.30.10.50"]
  security_groups = [module.app.web_security_group_id]
}

resource "aws_eip" "web" {
  domain = "vpc"
}

resource "aws_eip_association" "web" {
  allocation_id        = aws_eip.web.id
  network_interface_id = aws_network_interface.extra.id
}

resource "aws_lb" "web" {
  name               = "web"
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = aws_subnet.public[*].id
}

resource "aws_lb_target_group" "web" {
  name        = "web"
  port        = 8080
  protocol    = "HTTP"
  target_type = "instance"
  vpc_id      = aws_vpc.main.id
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:ap-northeast-1:111122223333:certificate/0a1b2c3d-example"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = module.app.instance_id
  port             = 8080
}

resource "aws_db_subnet_group" "data" {
  name       = "data"
  subnet_ids = [for s in aws_subnet.data : s.id]
}

resource "aws_db_instance" "orders" {
  identifier             = "orders"
  engine                 = "postgres"
  engine_version         = "16.4"
  instance_class         = "db.t4g.micro"
  allocated_storage      = 20
  username               = "orders"
  manage_master_user_password = true
  db_subnet_group_name   = aws_db_subnet_group.data.name
  vpc_security_group_ids = [aws_security_group.db.id]
  skip_final_snapshot    = true
}

resource "aws_rds_cluster" "shop" {
  cluster_identifier          = "shop"
  engine                      = "aurora-mysql"
  master_username             = "shop"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.data.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  skip_final_snapshot         = true
}

resource "aws_rds_cluster_instance" "shop" {
  count              = 2
  identifier         = "shop-${count.index}"
  cluster_identifier = aws_rds_cluster.shop.id
  instance_class     = "db.t4g.medium"
  engine             = aws_rds_cluster.shop.engine
}

resource "aws_elasticache_subnet_group" "data" {
  name       = "data"
  subnet_ids = [for s in aws_subnet.data : s.id]
}

resource "aws_elasticache_cluster" "sessions" {
  cluster_id         = "sessions"
  engine             = "memcached"
  node_type          = "cache.t4g.micro"
  num_cache_nodes    = 1
  port               = 11211
  subnet_group_name  = aws_elasticache_subnet_group.data.name
  security_group_ids = [aws_security_group.db.id]
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  description          = "redis"
  engine               = "redis"
  node_type            = "cache.t4g.micro"
  num_cache_clusters   = 2
  port                 = 6379
  subnet_group_name    = aws_elasticache_subnet_group.data.name
  security_group_ids   = [aws_security_group.db.id]
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::111122223333:role/worker"
  runtime       = "python3.12"
  handler       = "main.handler"
  s3_bucket     = "example-artifacts"
  s3_key        = "worker.zip"
  vpc_config {
    subnet_ids         = [for s in aws_subnet.private : s.id]
    security_group_ids = [module.app.web_security_group_id]
  }
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = "arn:aws:ecs:ap-northeast-1:111122223333:cluster/main"
  task_definition = "arn:aws:ecs:ap-northeast-1:111122223333:task-definition/api:1"
  desired_count   = 2
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = [for s in aws_subnet.private : s.id]
    security_groups  = [module.app.web_security_group_id]
    assign_public_ip = false
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "api"
    container_port   = 8080
  }
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.ap-northeast-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}

resource "aws_vpc_endpoint" "ssm" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.ap-northeast-1.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [for s in aws_subnet.private : s.id]
  security_group_ids  = [aws_security_group.db.id]
  private_dns_enabled = true
}
