ALTER TABLE `vpc_flow_logs` ADD IF NOT EXISTS
  PARTITION (`date` = '2024-02-28') LOCATION 's3://amzn-s3-demo-bucket/prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/02/28/'
  PARTITION (`date` = '2024-02-29') LOCATION 's3://amzn-s3-demo-bucket/prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/02/29/'
  PARTITION (`date` = '2024-03-01') LOCATION 's3://amzn-s3-demo-bucket/prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/03/01/';
