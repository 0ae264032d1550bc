package snapshot

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

const (
	vpcsJSON = `{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "210987654321", "CidrBlock": "10.0.0.0/16"}]}`
	idJSON   = `{"Account": "%s", "Arn": "arn:aws:iam::%s:user/reader", "UserId": "AIDAEXAMPLE"}`
)

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func identityJSON(id string) string { return strings.ReplaceAll(idJSON, "%s", id) }

// A folder of account folders is a multi-account snapshot; accounts come
// out sorted by ID whatever the folder names.
func TestMultiAccountFolder(t *testing.T) {
	root := t.TempDir()
	w := func(rel, content string) { writeFile(t, filepath.Join(root, filepath.FromSlash(rel)), []byte(content)) }
	w("prod/sts-get-caller-identity.json", identityJSON("222222222222"))
	w("prod/us-east-1/ec2-describe-vpcs.json", vpcsJSON)
	w("prod/eu-west-1/ec2-describe-vpcs.json", vpcsJSON)
	w("dev/sts-get-caller-identity.json", identityJSON("111111111111"))
	w("dev/ap-northeast-1/ec2-describe-vpcs.json", vpcsJSON)
	w("README.md", "snapshot taken 2026-01-01")
	w("notes/todo.txt", "not an account")

	inv, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range inv.Accounts {
		var regions []string
		for _, r := range a.Regions {
			regions = append(regions, r.Name)
			if r.Account != a.ID {
				t.Errorf("%s/%s: region's account %q, want %q", a.Name, r.Name, r.Account, a.ID)
			}
		}
		got = append(got, a.ID+" "+a.Name+" "+strings.Join(regions, ","))
		if a.Path != filepath.Join(root, a.Name) {
			t.Errorf("account %s: Path %s", a.Name, a.Path)
		}
	}
	want := []string{"111111111111 dev ap-northeast-1", "222222222222 prod eu-west-1,us-east-1"}
	if !slices.Equal(got, want) {
		t.Errorf("accounts = %q, want %q", got, want)
	}

	// Several paths load into one inventory, sorted the same way.
	inv, err = Load(filepath.Join(root, "prod"), filepath.Join(root, "dev"))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(inv.Accounts, func(a *model.Account) string { return a.ID }); !slices.Equal(got, []string{"111111111111", "222222222222"}) {
		t.Errorf("Load(prod, dev) accounts = %q", got)
	}
}

// The account ID comes from sts-get-caller-identity.json at the account
// root, else in a region folder (CloudMapper's habit), else from the owner
// IDs in the data; without any, the account is known by its folder name.
func TestAccountID(t *testing.T) {
	for _, tc := range []struct {
		name   string
		files  map[string]string
		id     string
		region string // the regions' Account label
	}{
		{"at the root", map[string]string{
			"sts-get-caller-identity.json":             identityJSON("123456789012"),
			"us-east-1/ec2-describe-vpcs.json":         vpcsJSON,
			"us-east-1/sts-get-caller-identity.json":   identityJSON("999999999999"),
			"eu-central-1/ec2-describe-subnets.json":   `{"Subnets": []}`,
			"eu-central-1/ec2-describe-instances.json": `{"Reservations": [{"OwnerId": "888888888888", "Instances": []}]}`,
		}, "123456789012", "123456789012"},
		{"in a region folder", map[string]string{
			"us-east-1/sts-get-caller-identity.json": identityJSON("123456789012"),
			"us-east-1/ec2-describe-vpcs.json":       vpcsJSON,
		}, "123456789012", "123456789012"},
		{"empty at the root, in a region folder", map[string]string{
			"sts-get-caller-identity.json":           "",
			"us-east-1/sts-get-caller-identity.json": identityJSON("123456789012"),
		}, "123456789012", "123456789012"},
		{"from a VPC's OwnerId", map[string]string{
			"us-east-1/ec2-describe-vpcs.json": vpcsJSON,
		}, "210987654321", "210987654321"},
		{"from a reservation's OwnerId", map[string]string{
			"us-east-1/ec2-describe-instances.json": `{"Reservations": [{"OwnerId": "333333333333", "Instances": []}]}`,
		}, "333333333333", "333333333333"},
		{"from a security group's OwnerId", map[string]string{
			"us-east-1/ec2-describe-security-groups.json": `{"SecurityGroups": [{"GroupId": "sg-1", "OwnerId": "444444444444"}]}`,
		}, "444444444444", "444444444444"},
		{"unknown", map[string]string{
			"us-east-1/ec2-describe-subnets.json": `{"Subnets": []}`,
		}, "", "acct"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sn := newSnap(t)
			for rel, content := range tc.files {
				sn.write(rel, content)
			}
			inv := sn.load()
			a := inv.Accounts[0]
			if a.ID != tc.id || a.Label() != tc.region {
				t.Errorf("account ID %q label %q, want %q label %q", a.ID, a.Label(), tc.id, tc.region)
			}
			for _, r := range a.Regions {
				if r.Account != tc.region {
					t.Errorf("region %s: Account %q, want %q", r.Name, r.Account, tc.region)
				}
			}
		})
	}
	// A broken identity file is an error like any other.
	sn := newSnap(t)
	file := sn.write("sts-get-caller-identity.json", `{"Account": 123456789012}`)
	sn.call(model.CallVPCs, vpcsJSON)
	if fe := loadFileError(t, sn.root); fe.Path != file || fe.Field != "Account" {
		t.Errorf("error = %v, want %s field Account", fe, file)
	}
}

// Per-resource files are found under their resource ID however it was
// percent-encoded: CloudMapper encodes ':' and '/', a shell loop may leave
// ':' alone, and hex digits may be lower case.
func TestPerResourceEncodings(t *testing.T) {
	const arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef"
	for _, tc := range []struct{ name, file string }{
		{"CloudMapper (quote, safe='')", quote(arn)},
		{"':' left alone", strings.ReplaceAll(arn, "/", "%2F")},
		{"lower-case hex", strings.NewReplacer("%3A", "%3a", "%2F", "%2f").Replace(quote(arn))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sn := newSnap(t)
			sn.call(model.CallLoadBalancersV2, `{"LoadBalancers": [{"LoadBalancerName": "web", "LoadBalancerArn": "`+arn+`", "Type": "application"}]}`)
			sn.write("us-east-1/"+string(model.CallListeners)+"/"+tc.file,
				`{"Listeners": [{"ListenerArn": "arn:l", "LoadBalancerArn": "`+arn+`", "Port": 443, "Protocol": "HTTPS"}]}`)
			r := sn.region()
			lb := r.Resource(model.KindLoadBalancer, "web")
			if lb == nil || !lb.LoadBalancer.ListenersKnown || len(lb.LoadBalancer.Listeners) != 1 || lb.LoadBalancer.Listeners[0].Port != 443 {
				t.Errorf("file %s: load balancer %+v, want its listener on 443", tc.file, lb)
			}
			if m := missing(r, model.CallListeners); len(m) != 0 {
				t.Errorf("file %s: listeners reported missing: %+v", tc.file, m)
			}
		})
	}
	// A name that is not valid percent-encoding is used as it is.
	sn := newSnap(t)
	sn.call(model.CallManagedPrefixLists, `{"PrefixLists": [{"PrefixListId": "pl-100%", "OwnerId": "123456789012"}]}`)
	sn.write("us-east-1/"+string(model.CallPrefixListEntries)+"/pl-100%", `{"Entries": [{"Cidr": "10.0.0.0/8"}]}`)
	if pl := sn.region().PrefixList("pl-100%"); pl == nil || !pl.EntriesKnown {
		t.Errorf("prefix list pl-100%%: %+v, want its entries read from the unencoded name", pl)
	}
}

// ECS tasks come either as one file per cluster or, as CloudMapper saves
// them, as a folder per cluster holding one file per task.
func TestECSTaskLayouts(t *testing.T) {
	const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/web"
	task := func(id, eni, group string) string {
		return `{"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/web/` + id + `", "clusterArn": "` + cluster + `", "group": "` + group + `",
			"lastStatus": "RUNNING", "launchType": "FARGATE", "attachments": [{"type": "ElasticNetworkInterface", "status": "ATTACHED", "details": [
			{"name": "subnetId", "value": "subnet-1"}, {"name": "networkInterfaceId", "value": "` + eni + `"}, {"name": "privateIPv4Address", "value": "10.0.0.5"}]}]}`
	}
	check := func(t *testing.T, r *model.Region) {
		t.Helper()
		sameSet(t, "tasks", resourceIDs(r, model.KindECSTask), []string{"arn:aws:ecs:us-east-1:123456789012:task/web/a", "arn:aws:ecs:us-east-1:123456789012:task/web/b"})
		for _, eni := range []string{"eni-a", "eni-b"} {
			e := r.ENI(eni)
			if e == nil || e.Owner.Kind != model.OwnerECSTask || e.Owner.Resource == nil || e.SubnetID != "subnet-1" {
				t.Errorf("%s: %+v, want a task's interface in subnet-1", eni, e)
			}
		}
		if m := missing(r, model.CallECSTasks); len(m) != 0 {
			t.Errorf("tasks reported missing: %+v", m)
		}
	}
	t.Run("one file per cluster", func(t *testing.T) {
		sn := newSnap(t)
		sn.call(model.CallECSClusters, `{"clusterArns": ["`+cluster+`"]}`)
		sn.perResource(model.CallECSTasks, cluster, `{"tasks": [`+task("a", "eni-a", "family:web")+`, `+task("b", "eni-b", "family:web")+`], "failures": []}`)
		check(t, sn.region())
	})
	t.Run("CloudMapper's folder per cluster", func(t *testing.T) {
		sn := newSnap(t)
		sn.call(model.CallECSClusters, `{"clusterArns": ["`+cluster+`"]}`)
		dir := "us-east-1/" + string(model.CallECSTasks) + "/" + quote(cluster) + "/"
		sn.write(dir+quote("arn:aws:ecs:us-east-1:123456789012:task/web/a"), `{"tasks": [`+task("a", "eni-a", "family:web")+`], "failures": []}`)
		sn.write(dir+quote("arn:aws:ecs:us-east-1:123456789012:task/web/b"), `{"tasks": [`+task("b", "eni-b", "family:web")+`], "failures": []}`)
		check(t, sn.region())
	})
	t.Run("an empty cluster folder is not collected", func(t *testing.T) {
		sn := newSnap(t)
		sn.call(model.CallECSClusters, `{"clusterArns": ["`+cluster+`"]}`)
		mkdir(t, filepath.Join(sn.root, "us-east-1", string(model.CallECSTasks), quote(cluster)))
		r := sn.region()
		if m := missing(r, model.CallECSTasks); len(m) != 1 || m[0].Resource != cluster {
			t.Errorf("missing tasks = %+v, want the cluster's", m)
		}
	})
	t.Run("scripts/snapshot.sh's batches in a folder per cluster", func(t *testing.T) {
		sn := newSnap(t)
		sn.call(model.CallECSClusters, `{"clusterArns": ["`+cluster+`"]}`)
		dir := "us-east-1/" + string(model.CallECSTasks) + "/" + quote(cluster) + "/"
		sn.write(dir+"batch-aa.json", `{"tasks": [`+task("a", "eni-a", "family:web")+`], "failures": []}`)
		sn.write(dir+"batch-ab.json", `{"tasks": [`+task("b", "eni-b", "family:web")+`], "failures": []}`)
		check(t, sn.region())
	})
	t.Run("files a file manager leaves are ignored", func(t *testing.T) {
		sn := newSnap(t)
		sn.call(model.CallECSClusters, `{"clusterArns": ["`+cluster+`"]}`)
		dir := "us-east-1/" + string(model.CallECSTasks) + "/"
		sn.write(dir+quote(cluster)+"/"+quote("arn:aws:ecs:us-east-1:123456789012:task/web/a"), `{"tasks": [`+task("a", "eni-a", "family:web")+`, `+task("b", "eni-b", "family:web")+`]}`)
		sn.write(dir+quote(cluster)+"/.DS_Store", "\x00\x00\x00\x01Bud1")
		sn.write(dir+quote(cluster)+"/._batch-aa.json", "\x00\x05\x16\x07")
		sn.write(dir+".DS_Store", "\x00\x00\x00\x01Bud1")
		check(t, sn.region())
	})
	// A cluster's describe folder is empty (or absent) when the cluster has
	// nothing to describe, or when the call failed; the cluster's list file,
	// if any, tells which.
	for _, tc := range []struct {
		name     string
		list     string // the list files' content; "" for none
		missing  bool
		listMiss string // the list calls' missing reason, if any
	}{
		{name: "no list file", missing: true},
		{name: "empty lists", list: `{"%s": []}`},
		{name: "lists with items", list: `{"%s": ["arn:x"]}`, missing: true},
		{name: "empty page with a token", list: `{"%s": [], "nextToken": "t"}`, missing: true, listMiss: "incomplete"},
		{name: "empty list file", list: " ", missing: true, listMiss: "empty file"},
	} {
		t.Run("empty describe folder, "+tc.name, func(t *testing.T) {
			sn := newSnap(t)
			sn.call(model.CallECSClusters, `{"clusterArns": ["`+cluster+`"]}`)
			mkdir(t, filepath.Join(sn.root, "us-east-1", string(model.CallECSServices), quote(cluster)))
			mkdir(t, filepath.Join(sn.root, "us-east-1", string(model.CallECSTasks), quote(cluster)))
			if tc.list != "" {
				sn.perResource(model.CallECSServicesList, cluster, strings.ReplaceAll(tc.list, "%s", "serviceArns"))
				sn.perResource(model.CallECSTasksList, cluster, strings.ReplaceAll(tc.list, "%s", "taskArns"))
			}
			r := sn.region()
			for _, c := range [][2]model.Call{{model.CallECSServices, model.CallECSServicesList}, {model.CallECSTasks, model.CallECSTasksList}} {
				m := missing(r, c[0])
				if tc.missing != (len(m) == 1 && m[0].Resource == cluster && m[0].Reason == "not collected") || len(m) > 1 {
					t.Errorf("%s missing = %+v, want missing %v", c[0], m, tc.missing)
				}
				lm := missing(r, c[1])
				if (tc.listMiss == "") != (len(lm) == 0) || len(lm) > 0 && !strings.HasPrefix(lm[0].Reason, tc.listMiss) {
					t.Errorf("%s missing = %+v, want %q", c[1], lm, tc.listMiss)
				}
			}
		})
	}
	t.Run("a list file of the wrong shape is an error", func(t *testing.T) {
		sn := newSnap(t)
		sn.call(model.CallECSClusters, `{"clusterArns": ["`+cluster+`"]}`)
		sn.perResource(model.CallECSServicesList, cluster, `{"serviceArns": []}`)
		file := sn.perResource(model.CallECSTasksList, cluster, `{"serviceArns": []}`)
		if fe := loadFileError(t, sn.root); fe.Path != file || !strings.Contains(fe.Msg, `"taskArns"`) {
			t.Errorf("error = %v, want %s lacking taskArns", fe, file)
		}
	})
	t.Run("tasks of a service fold into it", func(t *testing.T) {
		sn := newSnap(t)
		sn.call(model.CallECSClusters, `{"clusterArns": ["`+cluster+`"]}`)
		sn.perResource(model.CallECSServices, cluster, `{"services": [{"serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/web/api", "serviceName": "api", "clusterArn": "`+cluster+`",
			"launchType": "FARGATE", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-api"], "assignPublicIp": "DISABLED"}}}], "failures": []}`)
		sn.perResource(model.CallECSTasks, cluster, `{"tasks": [`+task("a", "eni-a", "service:api")+`, `+task("b", "eni-b", "service:api")+`]}`)
		r := sn.region()
		svc := r.Resource(model.KindECSService, "arn:aws:ecs:us-east-1:123456789012:service/web/api")
		if svc == nil {
			t.Fatalf("service not loaded; resources %q", ids(r.Resources, func(x *model.Resource) string { return x.ID }))
		}
		if len(resourceIDs(r, model.KindECSTask)) != 0 {
			t.Errorf("tasks kept beside their service: %q", resourceIDs(r, model.KindECSTask))
		}
		sameSet(t, "service's ENIs", eniIDs(svc.ENIs), []string{"eni-a", "eni-b"})
		sameSet(t, "service's tasks", svc.ECS.TaskARNs, []string{"arn:aws:ecs:us-east-1:123456789012:task/web/a", "arn:aws:ecs:us-east-1:123456789012:task/web/b"})
		if !slices.Equal(svc.SecurityGroupIDs, []string{"sg-api"}) || svc.ECS.AssignPublicIP != "DISABLED" {
			t.Errorf("service = %+v %+v", svc, svc.ECS)
		}
	})
}

// Files of calls vpcdoctor does not read (IAM, S3, SNS, describe-regions)
// are ignored, whatever they hold, and so are folders that are not region
// folders.
func TestUnknownFilesIgnored(t *testing.T) {
	sn := newSnap(t)
	sn.call(model.CallVPCs, vpcsJSON)
	sn.write("us-east-1/iam-get-account-authorization-details.json", `{"UserDetailList": [`) // broken, but not ours
	sn.write("us-east-1/iam-list-roles.json", "not json")
	sn.write("us-east-1/s3-list-buckets.json", `{"Buckets": []}`)
	sn.write("us-east-1/s3-get-bucket-policy/my-bucket", `{"Policy": "{...`)
	sn.write("us-east-1/sns-get-topic-attributes/arn%3Aaws%3Asns%3Aus-east-1%3A1%3At", "{")
	sn.write("us-east-1/ec2-describe-snapshots.json", "{")
	sn.write("us-east-1/notes.txt", "hello")
	sn.write("describe-regions.json", "{")
	sn.write("global/iam-list-users.json", "{")
	sn.write("US-EAST-1/ec2-describe-vpcs.json", "{") // not a region name: not read
	inv := sn.load()
	if len(inv.Accounts) != 1 || len(inv.Accounts[0].Regions) != 1 {
		t.Fatalf("got %d accounts, want 1 with 1 region", len(inv.Accounts))
	}
	r := inv.Accounts[0].Regions[0]
	if r.Name != "us-east-1" || r.VPC("vpc-1") == nil {
		t.Errorf("region %s VPCs %q", r.Name, ids(r.VPCs, func(v *model.VPC) string { return v.ID }))
	}
}

// Region folders are recognised by name and read in sorted order.
func TestRegionFolders(t *testing.T) {
	sn := newSnap(t)
	for _, name := range []string{"us-west-2", "ap-northeast-1", "us-gov-west-1", "cn-north-1", "eu-central-2", "il-central-1"} {
		sn.write(name+"/ec2-describe-vpcs.json", vpcsJSON)
	}
	sn.write("us-east/ec2-describe-vpcs.json", "{")  // no number: not a region
	sn.write("useast-1/ec2-describe-vpcs.json", "{") // no dash after the country
	inv := sn.load()
	got := ids(inv.Regions(), func(r *model.Region) string { return r.Name })
	want := []string{"ap-northeast-1", "cn-north-1", "eu-central-2", "il-central-1", "us-gov-west-1", "us-west-2"}
	if !slices.Equal(got, want) {
		t.Errorf("regions = %q, want %q", got, want)
	}
}

// TestNestedOrganisationLayout: accounts below org/ou/ folders are found.
func TestNestedOrganisationLayout(t *testing.T) {
	dir := t.TempDir()
	for _, acct := range []string{"org/ou-prod/111111111111", "org/ou-dev/222222222222"} {
		writeFile(t, filepath.Join(dir, acct, "ap-northeast-1", "ec2-describe-vpcs.json"), []byte(`{"Vpcs": []}`))
	}
	inv, err := Load(filepath.Join(dir, "org"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Accounts) != 2 || inv.Accounts[0].Name != "111111111111" || inv.Accounts[1].Name != "222222222222" {
		t.Fatalf("accounts = %+v", inv.Accounts)
	}
}

// TestAccountWithoutRegions: an account folder (it has
// sts-get-caller-identity.json) whose region folders are misnamed is an
// error, never an empty, "complete" scan.
func TestAccountWithoutRegions(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "acct", "sts-get-caller-identity.json"), []byte(`{"Account": "123456789012"}`))
	writeFile(t, filepath.Join(dir, "acct", "useast1", "ec2-describe-vpcs.json"), []byte(`{"Vpcs": []}`))
	_, err := Load(filepath.Join(dir, "acct"))
	var ns *NotSnapshotError
	if !errors.As(err, &ns) || !strings.Contains(err.Error(), "holds no region folders") {
		t.Fatalf("err = %v, want NotSnapshotError about region folders", err)
	}
}

// TestECSOnEC2TaskInterface: an awsvpc task on an EC2 container instance
// has its interface attached to the instance (Attachment.InstanceId, and
// listed in the instance's NetworkInterfaces); it is the task's, and its
// group is not the instance's (AWS-SEMANTICS.md §1).
func TestECSOnEC2TaskInterface(t *testing.T) {
	cluster := "arn:aws:ecs:ap-northeast-1:123456789012:cluster/c"
	attach := "arn:aws:ecs:ap-northeast-1:123456789012:attachment/0b5e"
	sn := newSnap(t)
	sn.call(model.CallSecurityGroups, `{"SecurityGroups": [{"GroupId": "sg-host"}, {"GroupId": "sg-task"}]}`)
	sn.call(model.CallInstances, `{"Reservations": [{"Instances": [{"InstanceId": "i-host", "SubnetId": "subnet-1",
		"SecurityGroups": [{"GroupId": "sg-host"}, {"GroupId": "sg-task"}],
		"NetworkInterfaces": [
			{"NetworkInterfaceId": "eni-host", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.0.5", "Groups": [{"GroupId": "sg-host"}]},
			{"NetworkInterfaceId": "eni-task", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.0.9", "Description": "`+attach+`", "Groups": [{"GroupId": "sg-task"}]}]}]}]}`)
	sn.call(model.CallNetworkInterfaces, `{"NetworkInterfaces": [
		{"NetworkInterfaceId": "eni-host", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.0.5", "Groups": [{"GroupId": "sg-host"}], "Attachment": {"InstanceId": "i-host"}},
		{"NetworkInterfaceId": "eni-task", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.0.9", "Description": "`+attach+`", "Groups": [{"GroupId": "sg-task"}], "Attachment": {"InstanceId": "i-host"}}]}`)
	sn.call(model.CallECSClusters, `{"clusterArns": ["`+cluster+`"]}`)
	sn.perResource(model.CallECSServices, cluster, `{"services": [{"serviceName": "api", "serviceArn": "arn:svc/api", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-task"]}}}]}`)
	sn.perResource(model.CallECSTasks, cluster, `{"tasks": [{"taskArn": "arn:task/1", "group": "service:api", "launchType": "EC2",
		"attachments": [{"type": "ElasticNetworkInterface", "details": [{"name": "networkInterfaceId", "value": "eni-task"}, {"name": "subnetId", "value": "subnet-1"}]}]}]}`)
	r := sn.region()
	host := r.Resource(model.KindInstance, "i-host")
	if !slices.Equal(host.SecurityGroupIDs, []string{"sg-host"}) || len(host.ENIs) != 1 {
		t.Errorf("instance groups %v, ENIs %d; want only sg-host and eni-host", host.SecurityGroupIDs, len(host.ENIs))
	}
	if o := r.ENI("eni-task").Owner; o.Resource == nil || o.Resource.Kind != model.KindECSService {
		t.Errorf("eni-task owner = %+v, want the ECS service", o)
	}
}

// TestSameAccountTwice: two snapshots of one account (two dates) stay
// apart in the output.
func TestSameAccountTwice(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"2026-10/prod", "2026-11/prod"} {
		writeFile(t, filepath.Join(dir, d, "sts-get-caller-identity.json"), []byte(`{"Account": "123456789012"}`))
		writeFile(t, filepath.Join(dir, d, "ap-northeast-1", "ec2-describe-vpcs.json"), []byte(`{"Vpcs": []}`))
	}
	inv, err := Load(filepath.Join(dir, "2026-10/prod"), filepath.Join(dir, "2026-11/prod"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := inv.Regions()[0].Account, inv.Regions()[1].Account
	if a == b || !strings.HasPrefix(a, "123456789012 (") || !strings.Contains(a+b, "2026-10") {
		t.Errorf("labels %q and %q do not tell the folders apart", a, b)
	}
}

// TestAccountIDPrefersOwnResources: without sts-get-caller-identity.json,
// the account ID comes from its instances or groups before a VPC, which may
// be shared from another account.
func TestAccountIDPrefersOwnResources(t *testing.T) {
	sn := newSnap(t)
	sn.call(model.CallVPCs, `{"Vpcs": [{"VpcId": "vpc-shared", "OwnerId": "999999999999", "CidrBlock": "10.0.0.0/16"}]}`)
	sn.call(model.CallSecurityGroups, `{"SecurityGroups": [{"GroupId": "sg-1", "OwnerId": "123456789012"}]}`)
	if id := sn.load().Accounts[0].ID; id != "123456789012" {
		t.Errorf("account ID = %s, want the groups' owner", id)
	}
}
