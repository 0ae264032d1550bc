package check

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// knownPort is a service's well-known TCP port.
type knownPort struct {
	port uint16
	name string // "MySQL"
}

// dataTier is a kind of service that holds data (databases, caches, search
// engines): the checks sg-database-port-world-open, sg-cache-port-world-open
// and sg-search-port-world-open each report one tier's ports reachable from
// the whole internet. The zero value has no ports and no resources.
type dataTier struct {
	// noun names the tier's port when the engine is unknown: "database".
	noun string
	// ports are the tier's well-known TCP ports, ascending.
	ports []knownPort
	// carriers lists what of the tier carries g, with the service each runs
	// and the TCP port it listens on; nil when vpcdoctor models no resource
	// of the tier (search: OpenSearch domains are not read).
	carriers func(reg *model.Region, g *model.SecurityGroup) []listening
}

// databaseTier: relational and document databases. Aurora MySQL and
// PostgreSQL listen on the engines' ports.
var databaseTier = &dataTier{
	noun: "database",
	ports: []knownPort{
		{1433, "SQL Server"}, {1521, "Oracle"}, {3306, "MySQL"}, {5432, "PostgreSQL"},
		{5439, "Redshift"}, {9042, "Cassandra"}, {27017, "MongoDB"},
	},
	carriers: dbCarriers,
}

// cacheTier: in-memory caches. Valkey speaks the Redis protocol on its port.
var cacheTier = &dataTier{
	noun:     "cache",
	ports:    []knownPort{{6379, "Redis/Valkey"}, {11211, "Memcached"}},
	carriers: cacheCarriers,
}

// searchTier: OpenSearch and Elasticsearch (REST 9200, node transport 9300)
// and their dashboards (Kibana, OpenSearch Dashboards).
var searchTier = &dataTier{
	noun: "search",
	ports: []knownPort{
		{5601, "OpenSearch Dashboards/Kibana"}, {9200, "OpenSearch/Elasticsearch"}, {9300, "OpenSearch/Elasticsearch transport"},
	},
}

// dataTiers are the tiers whose ports the data-tier checks claim.
var dataTiers = []*dataTier{databaseTier, cacheTier, searchTier}

// dbEngines maps an RDS engine name's prefix to the service and its default
// port. The longest matching prefix wins.
var dbEngines = []struct {
	prefix, service string
	port            uint16
}{
	{"aurora-mysql", "MySQL", 3306}, {"aurora-postgresql", "PostgreSQL", 5432}, {"aurora", "MySQL", 3306},
	{"mysql", "MySQL", 3306}, {"mariadb", "MariaDB", 3306}, {"postgres", "PostgreSQL", 5432},
	{"oracle", "Oracle", 1521}, {"custom-oracle", "Oracle", 1521}, {"sqlserver", "SQL Server", 1433},
	{"custom-sqlserver", "SQL Server", 1433}, {"db2", "Db2", 50000}, {"docdb", "DocumentDB", 27017},
	{"neptune", "Neptune", 8182},
}

func dbEngine(engine string) (service string, port uint16) {
	best := -1
	for _, e := range dbEngines {
		if strings.HasPrefix(engine, e.prefix) && len(e.prefix) > best {
			best, service, port = len(e.prefix), e.service, e.port
		}
	}
	return service, port
}

// listening is one thing of a data tier carrying a group: what it is, the
// service it runs and the TCP port it listens on (0 when the data does not
// tell); assumed, when set, says that the port is the engine's default
// because the data lacked it.
type listening struct {
	id, noun, label string // "db-1", "RDS DB instance", "db-1"
	service         string // "MySQL"; "" when the engine is unknown
	port            uint16
	assumed         string
	assumedMsg      i18n.Message
}

// dbClusterNoun is the noun of a DB cluster (which is no Resource kind).
const dbClusterNoun = "RDS DB cluster"

// nounMsg is a listening noun in the reader's language; nouns is its
// plural.
func nounMsg(noun string) any {
	if noun == dbClusterNoun {
		return msg("kind.rds-db-cluster")
	}
	for k, n := range kindNounsByWord {
		if n == noun {
			return kindNoun(k)
		}
	}
	return noun
}

func nounsMsg(noun string) any {
	if noun == dbClusterNoun {
		return msg("kinds.rds-db-cluster")
	}
	for k, n := range kindNounsByWord {
		if n == noun {
			return kindNouns(k, 2)
		}
	}
	return noun + "s"
}

// kindNounsByWord are the kinds whose resources a data tier lists.
var kindNounsByWord = map[model.ResourceKind]string{
	model.KindDBInstance:   model.KindDBInstance.Noun(),
	model.KindCacheCluster: model.KindCacheCluster.Noun(),
}

func listeningOn(id, noun, label, engine, service string, port int, def uint16) listening {
	l := listening{id: id, noun: noun, label: label, service: service}
	if p, ok := tcpPort(port); ok {
		l.port = p
	} else if def != 0 {
		l.port = def
		l.assumed = fmt.Sprintf("the port of %s %s is not in the data; assumed %s's default, %d", noun, label, engine, def)
		l.assumedMsg = msg("assumed.port", nounMsg(noun), label, engine, def)
	}
	return l
}

// dbCarriers are the RDS DB instances carrying g, and the DB clusters
// naming g of which no member instance carrying g is in the data (Aurora
// Serverless v1 has none; a snapshot may hold clusters but not instances).
// An instance's port is its endpoint's, else its cluster's, else its
// engine's default.
func dbCarriers(reg *model.Region, g *model.SecurityGroup) []listening {
	clusterPort := map[string]int{}
	for _, cl := range reg.DBClusters {
		clusterPort[cl.ID] = cl.Port
	}
	var out []listening
	covered := map[string]bool{}
	for _, r := range g.Resources {
		if r.Kind != model.KindDBInstance || r.DB == nil {
			continue
		}
		service, def := dbEngine(r.DB.Engine)
		port := r.DB.Port
		if port <= 0 && r.DB.ClusterID != "" {
			port = clusterPort[r.DB.ClusterID]
		}
		out = append(out, listeningOn(r.ID, r.Kind.Noun(), r.Label(), r.DB.Engine, service, port, def))
		covered[r.DB.ClusterID] = true
	}
	for _, cl := range reg.DBClusters {
		if covered[cl.ID] || !contains(cl.SecurityGroupIDs, g.ID) {
			continue
		}
		service, def := dbEngine(cl.Engine)
		out = append(out, listeningOn(cl.ID, dbClusterNoun, cl.ID, cl.Engine, service, cl.Port, def))
	}
	return out
}

// cacheCarriers are the ElastiCache clusters carrying g; a cluster's port
// is its nodes' endpoints', else its engine's default.
func cacheCarriers(_ *model.Region, g *model.SecurityGroup) []listening {
	var out []listening
	for _, r := range g.Resources {
		if r.Kind != model.KindCacheCluster || r.Cache == nil {
			continue
		}
		var service string
		var def uint16
		switch strings.ToLower(r.Cache.Engine) {
		case "redis":
			service, def = "Redis", 6379
		case "valkey":
			service, def = "Valkey", 6379
		case "memcached":
			service, def = "Memcached", 11211
		}
		out = append(out, listeningOn(r.ID, r.Kind.Noun(), r.Label(), r.Cache.Engine, service, r.Cache.Port, def))
	}
	return out
}

func tcpPort(n int) (uint16, bool) {
	if n <= 0 || n > 65535 {
		return 0, false
	}
	return uint16(n), true
}

// listeners are what of the tier carries g, by the port they listen on;
// those whose port is unknown are under port 0.
type listeners struct {
	ports   []uint16 // ascending, 0 first when present
	service map[uint16]string
	on      map[uint16][]listening
}

func (t *dataTier) listenersOf(reg *model.Region, g *model.SecurityGroup) listeners {
	l := listeners{service: map[uint16]string{}, on: map[uint16][]listening{}}
	if t.carriers == nil {
		return l
	}
	for _, c := range t.carriers(reg, g) {
		if _, seen := l.on[c.port]; !seen {
			l.ports = append(l.ports, c.port)
			l.service[c.port] = c.service
		}
		if l.service[c.port] != c.service {
			l.service[c.port] = "" // several engines on one port: name the port only
		}
		l.on[c.port] = append(l.on[c.port], c)
	}
	sort.Slice(l.ports, func(i, j int) bool { return l.ports[i] < l.ports[j] })
	return l
}

// worldReachable lists what of the tier the whole internet may reach
// through g's TCP rules, as phrases ("MySQL (3306) on RDS DB instance
// db-1"), with the open rules that show it and the IDs of the resources the
// phrases name: a well-known port of the tier, or the port of a resource of
// the tier carrying g, that TCP rules open to the whole internet (alone or
// together with all-protocol rules, AWS-SEMANTICS.md §2); a resource whose
// port is not in the data, when TCP rules open every port.
//
// What an all-protocol rule opens by itself is sg-world-open-all-protocols'
// finding, which names the tier's resources with openedByAll: one rule is
// one problem, reported once.
func (t *dataTier) worldReachable(reg *model.Region, g *model.SecurityGroup) (names []target, used []openRule, named []string) {
	if !mayAdmitInternet(g) {
		return nil, nil, nil
	}
	open := worldOpenIngress(reg, g)
	tcpOpen := func(port uint16, every bool) *openRule {
		for i := range open {
			if open[i].Protocol == model.ProtocolTCP && (open[i].Ports.Contains(port) && !every || every && open[i].Ports.IsAll()) {
				return &open[i]
			}
		}
		return nil
	}
	l := t.listenersOf(reg, g)
	ports := append([]uint16{}, l.ports...)
	for _, k := range t.ports {
		if _, ok := l.on[k.port]; !ok {
			ports = append(ports, k.port)
		}
	}
	sort.Slice(ports, func(i, j int) bool { return ports[i] < ports[j] })

	for _, port := range ports {
		o := tcpOpen(port, port == 0)
		if o == nil {
			continue
		}
		name, found, ids := t.reached(l, port, *o)
		names = append(names, name)
		used = append(used, found)
		named = append(named, ids...)
	}
	return names, used, named
}

// openedByAll lists, as worldReachable does, the ports of the tier's
// resources carrying g that all, an all-protocol rule open to the whole
// internet, opens: each resource of the tier on its own port.
func (t *dataTier) openedByAll(reg *model.Region, g *model.SecurityGroup, all openRule) (names []target, used []openRule, named []string) {
	l := t.listenersOf(reg, g)
	for _, port := range l.ports {
		name, found, ids := t.reached(l, port, all)
		names = append(names, name)
		used = append(used, found)
		named = append(named, ids...)
	}
	return names, used, named
}

// target is a port of a data tier the whole internet may reach, in words:
// "MySQL (3306) on RDS DB instance db-1"; on says whether its English
// holds " on " (a list of such is written with semicolons).
type target struct {
	text i18n.Message
	on   bool
}

func newTarget(m i18n.Message) target {
	return target{m, strings.Contains(i18n.English.Render(m), " on ")}
}

// reached names port of the tier, opened by o, with what listens on it:
// the phrase, o with the assumptions about the listeners' ports added, and
// the listeners' IDs.
func (t *dataTier) reached(l listeners, port uint16, o openRule) (target, openRule, []string) {
	on := l.on[port]
	var name target
	var assumed, ids []string
	var assumedMsgs []i18n.Message
	switch {
	case port == 0:
		name = newTarget(msg("tier.port-unknown", msg("tier."+t.noun), carriersPhrase(on)))
	case len(on) > 0:
		name = newTarget(msg("tier.on", t.portName(l.service[port], port), carriersPhrase(on)))
	default:
		name = newTarget(t.portName(t.knownName(port), port))
	}
	for _, c := range on {
		ids = append(ids, c.id)
		if c.assumed != "" {
			assumed = append(assumed, c.assumed)
			assumedMsgs = append(assumedMsgs, c.assumedMsg)
		}
	}
	if extra := strings.Join(assumed, "; "); extra != "" {
		o.Assumed = strings.Join(nonEmpty(o.Assumed, extra), "; ")
		o.AssumedMsgs = append(slices.Clip(o.AssumedMsgs), assumedMsgs...)
	}
	return name, o, ids
}

// mayAdmitInternet reports whether some ingress rule of g names public
// addresses or a prefix list: without one, worldOpenIngress finds nothing,
// and most groups of a large account are skipped at once.
func mayAdmitInternet(g *model.SecurityGroup) bool {
	for _, r := range g.Ingress {
		switch r.Peer.Kind {
		case model.PeerPrefixList:
			return true
		case model.PeerCIDR:
			if overlapsPublic(r.Peer.CIDR) {
				return true
			}
		}
	}
	return false
}

func (t *dataTier) knownName(port uint16) string {
	for _, k := range t.ports {
		if k.port == port {
			return k.name
		}
	}
	return ""
}

// portName is "MySQL (3306)", or "database port 3307" when the service is
// unknown.
func (t *dataTier) portName(service string, port uint16) i18n.Message {
	if service == "" {
		return msg("tier.port", msg("tier."+t.noun), int(port))
	}
	return msg("tier.service", service, int(port))
}

// carriersPhrase names what listens on a port, grouped by kind in the
// order met: "RDS DB instance db-1", "RDS DB instances db-1 and db-2",
// "RDS DB instance db-1, RDS DB cluster old-1".
func carriersPhrase(cs []listening) any {
	var nouns []string
	labels := map[string][]string{}
	for _, c := range cs {
		if labels[c.noun] == nil {
			nouns = append(nouns, c.noun)
		}
		labels[c.noun] = append(labels[c.noun], c.label)
	}
	parts := make([]any, len(nouns))
	for i, n := range nouns {
		noun := nounMsg(n)
		if len(labels[n]) > 1 {
			noun = nounsMsg(n)
		}
		parts[i] = msg("noun-label", noun, andList(labels[n]))
	}
	return commaList(parts)
}

// listOfTargets joins what worldReachable found: with "and" as andList
// does, or with semicolons when an item names resources itself ("MySQL
// (3306) on RDS DB instances a and b; PostgreSQL (5432)").
func listOfTargets(names []target) any {
	items := make(i18n.List, len(names))
	semi := false
	for i, n := range names {
		items[i] = n.text
		semi = semi || len(names) > 1 && n.on
	}
	if semi {
		return joined("semi", []any(items))
	}
	return items
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// reportDataTier is the body of the three data-tier checks.
func reportDataTier(p *Pass, t *dataTier) {
	for _, g := range p.Region.SecurityGroups {
		names, used, named := t.worldReachable(p.Region, g)
		if len(names) == 0 {
			continue
		}
		reportGroupNaming(p, g, named, used,
			msg("world-reach", g.Label(), listOfTargets(names), worldUsedBy(p.Region, g)))
	}
}
