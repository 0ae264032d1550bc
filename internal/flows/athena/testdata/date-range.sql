-- vpcdoctor flows: the observations of docs/flows.md (stage 1) from the VPC
-- Flow Logs in Athena table "flowlogs_db"."vpc_flow_logs".
-- One row per observation: interface, client, server, protocol, service port,
-- whether the records go client -> server, action, and how the client side
-- was decided (basis); then the sums of packets, bytes, records and
-- connections, the earliest start and the latest end (-1 when none was
-- logged).
WITH listening (protocol, port) AS (
  -- the ports the snapshot says something listens on: (IANA protocol, port)
  VALUES
    (6, 22),
    (6, 443),
    (6, 5432),
    (6, 6379),
    (6, 8080),
    (17, 53),
    (17, 123),
    (132, 3868)
),
records AS (
  -- the records that carry a flow; a number not logged ('-') reads as -1,
  -- a string as ''.
  SELECT
    coalesce(nullif("interface_id", '-'), '') AS interface_id,
    coalesce(nullif("srcaddr", '-'), '') AS srcaddr,
    coalesce(nullif("dstaddr", '-'), '') AS dstaddr,
    coalesce("srcport", -1) AS srcport,
    coalesce("dstport", -1) AS dstport,
    coalesce("protocol", -1) AS protocol,
    coalesce("tcp_flags", -1) AS tcp_flags,
    CASE WHEN "packets" > 0 THEN "packets" ELSE 0 END AS packets,
    CASE WHEN "bytes" > 0 THEN "bytes" ELSE 0 END AS bytes,
    coalesce("start", -1) AS start_time,
    coalesce("end", -1) AS end_time,
    CASE "action" WHEN 'ACCEPT' THEN 'ACCEPT' WHEN 'REJECT' THEN 'REJECT' ELSE '-' END AS action
  FROM "flowlogs_db"."vpc_flow_logs"
  WHERE coalesce("log_status", '-') NOT IN ('NODATA', 'SKIPDATA')
    AND "date" >= DATE '2024-05-01'
    AND "date" <= DATE '2024-05-07'
),
sides AS (
  -- the facts that decide the client side: whether the protocol has ports
  -- (TCP, UDP, SCTP, both logged), the TCP flags, which port listens
  SELECT
    r.*,
    (r.protocol NOT IN (6, 17, 132) OR r.srcport < 0 OR r.dstport < 0) AS portless,
    (r.protocol = 6 AND r.tcp_flags >= 0 AND bitwise_and(r.tcp_flags, 2) <> 0) AS syn,
    (bitwise_and(r.tcp_flags, 16) <> 0) AS ack,
    (s.port IS NOT NULL) AS src_listens,
    (d.port IS NOT NULL) AS dst_listens
  FROM records r
  LEFT JOIN listening s ON s.protocol = r.protocol AND s.port = r.srcport
  LEFT JOIN listening d ON d.protocol = r.protocol AND d.port = r.dstport
),
decided AS (
  -- the first rule that applies decides (basis) whether the source is the
  -- client: SYN without ACK is the client's, SYN-ACK the server's; else
  -- exactly one listening port, else exactly one port below 1024, else the
  -- lower port (the destination's when equal) is the server's
  SELECT
    p.*,
    CASE
      WHEN portless THEN 'lower-port'
      WHEN syn THEN 'tcp-flags'
      WHEN src_listens <> dst_listens THEN 'listening-port'
      WHEN (srcport < 1024) <> (dstport < 1024) THEN 'well-known-port'
      ELSE 'lower-port'
    END AS basis,
    CASE
      WHEN portless THEN true
      WHEN syn THEN NOT ack
      WHEN src_listens <> dst_listens THEN dst_listens
      WHEN (srcport < 1024) <> (dstport < 1024) THEN dstport < 1024
      ELSE dstport <= srcport
    END AS client_is_src
  FROM sides p
)
SELECT
  interface_id,
  CASE WHEN client_is_src THEN srcaddr ELSE dstaddr END AS client,
  CASE WHEN client_is_src THEN dstaddr ELSE srcaddr END AS server,
  protocol,
  CASE WHEN portless THEN 0 WHEN client_is_src THEN dstport ELSE srcport END AS port,
  client_is_src,
  action,
  basis,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(*) AS records,
  -- a connection: a client -> server record with SYN when TCP flags are
  -- logged, else any client -> server record
  sum(CASE WHEN client_is_src AND (protocol <> 6 OR tcp_flags < 0 OR bitwise_and(tcp_flags, 2) <> 0) THEN 1 ELSE 0 END) AS connections,
  coalesce(min(CASE WHEN start_time >= 0 THEN start_time END), -1) AS first_start,
  coalesce(max(CASE WHEN end_time >= 0 THEN end_time END), -1) AS last_end
FROM decided
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
