package snapshot

// The structs below mirror the JSON the AWS CLI prints for each call
// (member names as in botocore's service models, which the CLI prints
// verbatim). Only fields vpcdoctor reads are declared; encoding/json ignores
// the rest. Timestamps are never decoded: their format varies with the CLI's
// cli_timestamp_format setting and nothing here needs them.

type tag struct {
	Key   string
	Value string
}

// ecsTag is ECS's lower-case spelling of a tag.
type ecsTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type callerIdentity struct {
	Account string
	Arn     string
}

type describeVpcs struct {
	Vpcs      *[]vpcShape
	NextToken string
}

type vpcShape struct {
	VpcId                   string
	OwnerId                 string
	CidrBlock               string
	IsDefault               bool
	CidrBlockAssociationSet []struct {
		CidrBlock      string
		CidrBlockState *struct{ State string }
	}
	Ipv6CidrBlockAssociationSet []struct {
		Ipv6CidrBlock      string
		Ipv6CidrBlockState *struct{ State string }
	}
	Tags []tag
}

type describeSubnets struct {
	Subnets   *[]subnetShape
	NextToken string
}

type subnetShape struct {
	SubnetId                    string
	VpcId                       string
	AvailabilityZone            string
	CidrBlock                   string
	MapPublicIpOnLaunch         bool
	Ipv6CidrBlockAssociationSet []struct {
		Ipv6CidrBlock      string
		Ipv6CidrBlockState *struct{ State string }
	}
	Tags []tag
}

type describeRouteTables struct {
	RouteTables *[]routeTableShape
	NextToken   string
}

type routeTableShape struct {
	RouteTableId string
	VpcId        string
	Associations []struct {
		Main             bool
		SubnetId         string
		GatewayId        string
		AssociationState *struct{ State string }
	}
	Routes []routeShape
	Tags   []tag
}

type routeShape struct {
	DestinationCidrBlock        string
	DestinationIpv6CidrBlock    string
	DestinationPrefixListId     string
	GatewayId                   string
	EgressOnlyInternetGatewayId string
	NatGatewayId                string
	TransitGatewayId            string
	VpcPeeringConnectionId      string
	NetworkInterfaceId          string
	InstanceId                  string
	LocalGatewayId              string
	CarrierGatewayId            string
	CoreNetworkArn              string
	Origin                      string
	State                       string
}

type igwAttachment struct {
	State string
	VpcId string
}

type describeInternetGateways struct {
	InternetGateways *[]struct {
		InternetGatewayId string
		Attachments       []igwAttachment
		Tags              []tag
	}
	NextToken string
}

type describeEgressOnlyInternetGateways struct {
	EgressOnlyInternetGateways *[]struct {
		EgressOnlyInternetGatewayId string
		Attachments                 []igwAttachment
		Tags                        []tag
	}
	NextToken string
}

type describeNatGateways struct {
	NatGateways *[]struct {
		NatGatewayId        string
		VpcId               string
		SubnetId            string
		State               string
		ConnectivityType    string
		NatGatewayAddresses []struct {
			NetworkInterfaceId string
			PrivateIp          string
			PublicIp           string
		}
		Tags []tag
	}
	NextToken string
}

type describeNetworkAcls struct {
	NetworkAcls *[]struct {
		NetworkAclId string
		VpcId        string
		IsDefault    bool
		Associations []struct {
			SubnetId string
		}
		Entries []struct {
			RuleNumber    *int64
			Egress        bool
			RuleAction    string
			Protocol      string
			CidrBlock     string
			Ipv6CidrBlock string
			PortRange     *struct{ From, To *int64 }
			IcmpTypeCode  *struct{ Type, Code *int64 }
		}
		Tags []tag
	}
	NextToken string
}

type describeSecurityGroups struct {
	SecurityGroups *[]struct {
		GroupId             string
		GroupName           string
		Description         string
		VpcId               string
		OwnerId             string
		IpPermissions       []ipPermission
		IpPermissionsEgress []ipPermission
		Tags                []tag
	}
	NextToken string
}

type ipPermission struct {
	IpProtocol string
	FromPort   *int64
	ToPort     *int64
	IpRanges   []struct {
		CidrIp      string
		Description string
	}
	Ipv6Ranges []struct {
		CidrIpv6    string
		Description string
	}
	PrefixListIds []struct {
		PrefixListId string
		Description  string
	}
	UserIdGroupPairs []struct {
		GroupId                string
		UserId                 string
		VpcId                  string
		VpcPeeringConnectionId string
		Description            string
	}
}

type groupIdentifier struct {
	GroupId   string
	GroupName string
}

type eniAssociation struct {
	PublicIp  string
	IpOwnerId string
}

type describeNetworkInterfaces struct {
	NetworkInterfaces *[]eniShape
	NextToken         string
}

type eniShape struct {
	NetworkInterfaceId string
	VpcId              string
	SubnetId           string
	AvailabilityZone   string
	InterfaceType      string
	Description        string
	RequesterId        string
	RequesterManaged   bool
	Status             string
	SourceDestCheck    *bool
	PrivateIpAddress   string
	Association        *eniAssociation
	PrivateIpAddresses []struct {
		PrivateIpAddress string
		Primary          bool
		Association      *eniAssociation
	}
	Ipv6Addresses []struct{ Ipv6Address string }
	Ipv4Prefixes  []struct{ Ipv4Prefix string }
	Ipv6Prefixes  []struct{ Ipv6Prefix string }
	Groups        []groupIdentifier
	Attachment    *struct {
		InstanceId      string
		InstanceOwnerId string
		Status          string
	}
	TagSet []tag
}

type describeInstances struct {
	Reservations *[]struct {
		OwnerId   string
		Instances []instanceShape
	}
	NextToken string
}

type instanceShape struct {
	InstanceId         string
	InstanceType       string
	ImageId            string
	KeyName            string
	State              *struct{ Name string }
	SubnetId           string
	VpcId              string
	PrivateIpAddress   string
	PublicIpAddress    string
	Placement          *struct{ AvailabilityZone string }
	SecurityGroups     []groupIdentifier
	IamInstanceProfile *struct{ Arn string }
	NetworkInterfaces  []struct {
		NetworkInterfaceId string
		SubnetId           string
		VpcId              string
		Description        string
		InterfaceType      string
		Status             string
		SourceDestCheck    *bool
		PrivateIpAddress   string
		Association        *eniAssociation
		PrivateIpAddresses []struct {
			PrivateIpAddress string
			Primary          bool
			Association      *eniAssociation
		}
		Ipv6Addresses []struct{ Ipv6Address string }
		Groups        []groupIdentifier
		Attachment    *struct{ DeviceIndex *int64 }
	}
	Tags []tag
}

type describeVpcEndpoints struct {
	VpcEndpoints *[]struct {
		VpcEndpointId       string
		VpcEndpointType     string
		VpcId               string
		ServiceName         string
		State               string
		SubnetIds           []string
		RouteTableIds       []string
		NetworkInterfaceIds []string
		Groups              []groupIdentifier
		PrivateDnsEnabled   bool
		Tags                []tag
	}
	NextToken string
}

type describeFlowLogs struct {
	FlowLogs *[]struct {
		FlowLogId               string
		ResourceId              string
		TrafficType             string
		FlowLogStatus           string
		DeliverLogsStatus       string
		DeliverLogsErrorMessage string
		LogDestinationType      string
		LogDestination          string
		LogGroupName            string
		LogFormat               string
		MaxAggregationInterval  *int64
		Tags                    []tag
	}
	NextToken string
}

type peeringVpcInfo struct {
	VpcId            string
	OwnerId          string
	Region           string
	CidrBlock        string
	CidrBlockSet     []struct{ CidrBlock string }
	Ipv6CidrBlockSet []struct{ Ipv6CidrBlock string }
}

type describeVpcPeeringConnections struct {
	VpcPeeringConnections *[]struct {
		VpcPeeringConnectionId string
		Status                 *struct{ Code string }
		RequesterVpcInfo       *peeringVpcInfo
		AccepterVpcInfo        *peeringVpcInfo
		Tags                   []tag
	}
	NextToken string
}

type describeManagedPrefixLists struct {
	PrefixLists *[]struct {
		PrefixListId   string
		PrefixListName string
		OwnerId        string
		AddressFamily  string
	}
	NextToken string
}

type getManagedPrefixListEntries struct {
	Entries *[]struct {
		Cidr        string
		Description string
	}
	NextToken string
}

type describeLoadBalancersV2 struct {
	LoadBalancers *[]struct {
		LoadBalancerArn   string
		LoadBalancerName  string
		DNSName           string
		Scheme            string
		VpcId             string
		Type              string
		IpAddressType     string
		SecurityGroups    []string
		AvailabilityZones []struct {
			SubnetId string
			ZoneName string
		}
	}
	NextMarker string
}

type describeListeners struct {
	Listeners *[]struct {
		ListenerArn     string
		LoadBalancerArn string
		Port            *int64
		Protocol        string
		DefaultActions  []struct {
			Type           string
			TargetGroupArn string
			ForwardConfig  *struct {
				TargetGroups []struct{ TargetGroupArn string }
			}
		}
	}
	NextMarker string
}

type describeTargetGroups struct {
	TargetGroups *[]struct {
		TargetGroupArn   string
		TargetGroupName  string
		Protocol         string
		Port             *int64
		VpcId            string
		TargetType       string
		LoadBalancerArns []string
	}
	NextMarker string
}

type describeTargetHealth struct {
	TargetHealthDescriptions *[]struct {
		Target *struct {
			Id               string
			Port             *int64
			AvailabilityZone string
		}
		TargetHealth *struct{ State string }
	}
}

type describeTargetGroupAttributes struct {
	Attributes *[]struct {
		Key   string
		Value string
	}
}

type describeClassicLoadBalancers struct {
	LoadBalancerDescriptions *[]struct {
		LoadBalancerName     string
		DNSName              string
		Scheme               string
		VPCId                string
		Subnets              []string
		SecurityGroups       []string
		ListenerDescriptions []struct {
			Listener *struct {
				Protocol         string
				LoadBalancerPort *int64
				InstanceProtocol string
				InstancePort     *int64
			}
		}
		Instances []struct{ InstanceId string }
	}
	NextMarker string
}

type vpcSecurityGroupMembership struct {
	VpcSecurityGroupId string
	Status             string
}

type describeDBInstances struct {
	DBInstances *[]struct {
		DBInstanceIdentifier string
		DBInstanceArn        string
		DBInstanceClass      string
		Engine               string
		EngineVersion        string
		DBInstanceStatus     string
		DBClusterIdentifier  string
		PubliclyAccessible   bool
		AvailabilityZone     string
		Endpoint             *struct {
			Address string
			Port    *int64
		}
		DBSubnetGroup *struct {
			DBSubnetGroupName string
			VpcId             string
			Subnets           []struct{ SubnetIdentifier string }
		}
		VpcSecurityGroups []vpcSecurityGroupMembership
		TagList           []tag
	}
	Marker string
}

type describeDBClusters struct {
	DBClusters *[]struct {
		DBClusterIdentifier string
		DBClusterArn        string
		Engine              string
		DBSubnetGroup       string
		Endpoint            string
		ReaderEndpoint      string
		Port                *int64
		VpcSecurityGroups   []vpcSecurityGroupMembership
		DBClusterMembers    []struct {
			DBInstanceIdentifier string
			IsClusterWriter      bool
		}
	}
	Marker string
}

type describeCacheClusters struct {
	CacheClusters *[]struct {
		CacheClusterId       string
		ARN                  string
		Engine               string
		CacheNodeType        string
		ReplicationGroupId   string
		CacheSubnetGroupName string
		SecurityGroups       []struct {
			SecurityGroupId string
			Status          string
		}
		CacheNodes []struct {
			Endpoint *struct {
				Address string
				Port    *int64
			}
		}
		ConfigurationEndpoint *struct {
			Address string
			Port    *int64
		}
	}
	Marker string
}

type describeCacheSubnetGroups struct {
	CacheSubnetGroups *[]struct {
		CacheSubnetGroupName string
		VpcId                string
		Subnets              []struct{ SubnetIdentifier string }
	}
	Marker string
}

type listFunctions struct {
	Functions *[]struct {
		FunctionName string
		FunctionArn  string
		Runtime      string
		VpcConfig    *struct {
			SubnetIds        []string
			SecurityGroupIds []string
			VpcId            string
		}
	}
	NextMarker string
}

type ecsListClusters struct {
	ClusterArns *[]string `json:"clusterArns"`
	NextToken   string    `json:"nextToken"`
}

// ecsList is the output of ecs list-services or list-tasks: one of the two
// lists is present.
type ecsList struct {
	ServiceArns *[]string `json:"serviceArns"`
	TaskArns    *[]string `json:"taskArns"`
	NextToken   string    `json:"nextToken"`
}

type ecsDescribeServices struct {
	Services *[]struct {
		ServiceArn           string `json:"serviceArn"`
		ServiceName          string `json:"serviceName"`
		ClusterArn           string `json:"clusterArn"`
		LaunchType           string `json:"launchType"`
		NetworkConfiguration *struct {
			AwsvpcConfiguration *struct {
				Subnets        []string `json:"subnets"`
				SecurityGroups []string `json:"securityGroups"`
				AssignPublicIp string   `json:"assignPublicIp"`
			} `json:"awsvpcConfiguration"`
		} `json:"networkConfiguration"`
		LoadBalancers []struct {
			TargetGroupArn string `json:"targetGroupArn"`
		} `json:"loadBalancers"`
		Tags []ecsTag `json:"tags"`
	} `json:"services"`
}

type ecsDescribeTasks struct {
	Tasks *[]struct {
		TaskArn           string `json:"taskArn"`
		ClusterArn        string `json:"clusterArn"`
		Group             string `json:"group"`
		LaunchType        string `json:"launchType"`
		LastStatus        string `json:"lastStatus"`
		TaskDefinitionArn string `json:"taskDefinitionArn"`
		Attachments       []struct {
			Type    string `json:"type"`
			Status  string `json:"status"`
			Details []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"details"`
		} `json:"attachments"`
		Tags []ecsTag `json:"tags"`
	} `json:"tasks"`
}

// result and nextPage tell the loader where each output keeps its result
// and its pagination token (see cliOutput).

func (v *describeCacheClusters) result() (string, bool) {
	return "CacheClusters", v.CacheClusters != nil
}
func (v *describeCacheClusters) nextPage() string { return v.Marker }

func (v *describeCacheSubnetGroups) result() (string, bool) {
	return "CacheSubnetGroups", v.CacheSubnetGroups != nil
}
func (v *describeCacheSubnetGroups) nextPage() string { return v.Marker }

func (v *describeClassicLoadBalancers) result() (string, bool) {
	return "LoadBalancerDescriptions", v.LoadBalancerDescriptions != nil
}
func (v *describeClassicLoadBalancers) nextPage() string { return v.NextMarker }

func (v *describeDBClusters) result() (string, bool) { return "DBClusters", v.DBClusters != nil }
func (v *describeDBClusters) nextPage() string       { return v.Marker }

func (v *describeDBInstances) result() (string, bool) { return "DBInstances", v.DBInstances != nil }
func (v *describeDBInstances) nextPage() string       { return v.Marker }

func (v *describeEgressOnlyInternetGateways) result() (string, bool) {
	return "EgressOnlyInternetGateways", v.EgressOnlyInternetGateways != nil
}
func (v *describeEgressOnlyInternetGateways) nextPage() string { return v.NextToken }

func (v *describeFlowLogs) result() (string, bool) { return "FlowLogs", v.FlowLogs != nil }
func (v *describeFlowLogs) nextPage() string       { return v.NextToken }

func (v *describeInstances) result() (string, bool) { return "Reservations", v.Reservations != nil }
func (v *describeInstances) nextPage() string       { return v.NextToken }

func (v *describeInternetGateways) result() (string, bool) {
	return "InternetGateways", v.InternetGateways != nil
}
func (v *describeInternetGateways) nextPage() string { return v.NextToken }

func (v *describeListeners) result() (string, bool) { return "Listeners", v.Listeners != nil }
func (v *describeListeners) nextPage() string       { return v.NextMarker }

func (v *describeLoadBalancersV2) result() (string, bool) {
	return "LoadBalancers", v.LoadBalancers != nil
}
func (v *describeLoadBalancersV2) nextPage() string { return v.NextMarker }

func (v *describeManagedPrefixLists) result() (string, bool) {
	return "PrefixLists", v.PrefixLists != nil
}
func (v *describeManagedPrefixLists) nextPage() string { return v.NextToken }

func (v *describeNatGateways) result() (string, bool) { return "NatGateways", v.NatGateways != nil }
func (v *describeNatGateways) nextPage() string       { return v.NextToken }

func (v *describeNetworkAcls) result() (string, bool) { return "NetworkAcls", v.NetworkAcls != nil }
func (v *describeNetworkAcls) nextPage() string       { return v.NextToken }

func (v *describeNetworkInterfaces) result() (string, bool) {
	return "NetworkInterfaces", v.NetworkInterfaces != nil
}
func (v *describeNetworkInterfaces) nextPage() string { return v.NextToken }

func (v *describeRouteTables) result() (string, bool) { return "RouteTables", v.RouteTables != nil }
func (v *describeRouteTables) nextPage() string       { return v.NextToken }

func (v *describeSecurityGroups) result() (string, bool) {
	return "SecurityGroups", v.SecurityGroups != nil
}
func (v *describeSecurityGroups) nextPage() string { return v.NextToken }

func (v *describeSubnets) result() (string, bool) { return "Subnets", v.Subnets != nil }
func (v *describeSubnets) nextPage() string       { return v.NextToken }

func (v *describeTargetGroupAttributes) result() (string, bool) {
	return "Attributes", v.Attributes != nil
}
func (v *describeTargetGroupAttributes) nextPage() string { return "" }

func (v *describeTargetGroups) result() (string, bool) { return "TargetGroups", v.TargetGroups != nil }
func (v *describeTargetGroups) nextPage() string       { return v.NextMarker }

func (v *describeTargetHealth) result() (string, bool) {
	return "TargetHealthDescriptions", v.TargetHealthDescriptions != nil
}
func (v *describeTargetHealth) nextPage() string { return "" }

func (v *describeVpcEndpoints) result() (string, bool) { return "VpcEndpoints", v.VpcEndpoints != nil }
func (v *describeVpcEndpoints) nextPage() string       { return v.NextToken }

func (v *describeVpcPeeringConnections) result() (string, bool) {
	return "VpcPeeringConnections", v.VpcPeeringConnections != nil
}
func (v *describeVpcPeeringConnections) nextPage() string { return v.NextToken }

func (v *describeVpcs) result() (string, bool) { return "Vpcs", v.Vpcs != nil }
func (v *describeVpcs) nextPage() string       { return v.NextToken }

func (v *ecsDescribeServices) result() (string, bool) { return "services", v.Services != nil }
func (v *ecsDescribeServices) nextPage() string       { return "" }

func (v *ecsDescribeTasks) result() (string, bool) { return "tasks", v.Tasks != nil }
func (v *ecsDescribeTasks) nextPage() string       { return "" }

func (v *ecsListClusters) result() (string, bool) { return "clusterArns", v.ClusterArns != nil }
func (v *ecsListClusters) nextPage() string       { return v.NextToken }

func (v *getManagedPrefixListEntries) result() (string, bool) { return "Entries", v.Entries != nil }
func (v *getManagedPrefixListEntries) nextPage() string       { return v.NextToken }

func (v *listFunctions) result() (string, bool) { return "Functions", v.Functions != nil }
func (v *listFunctions) nextPage() string       { return v.NextMarker }
