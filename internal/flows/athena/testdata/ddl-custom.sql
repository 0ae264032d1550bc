CREATE EXTERNAL TABLE IF NOT EXISTS `flowlogs_db`.`tcp_flag` (
  version int,
  vpc_id string,
  subnet_id string,
  instance_id string,
  interface_id string,
  account_id string,
  type string,
  srcaddr string,
  dstaddr string,
  srcport int,
  dstport int,
  pkt_srcaddr string,
  pkt_dstaddr string,
  protocol bigint,
  bytes bigint,
  packets bigint,
  start bigint,
  `end` bigint,
  action string,
  tcp_flags int,
  log_status string
)
PARTITIONED BY (`date` date)
ROW FORMAT DELIMITED
FIELDS TERMINATED BY ' '
LOCATION 's3://amzn-s3-demo-bucket/AWSLogs/123456789010/vpcflowlogs/us-east-1/'
TBLPROPERTIES ("skip.header.line.count"="1");
