package plan

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// HoursPerMonth is the month the estimate prices: 730 hours, as AWS's
// pricing calculator counts.
const HoursPerMonth = 730

//go:embed prices.json
var embeddedPrices []byte

// priceTable is prices.json: list prices by region ("default" for regions
// it does not name), with their date and where they are from.
type priceTable struct {
	Currency string                  `json:"currency"`
	Date     string                  `json:"date"`
	Source   string                  `json:"source"`
	Regions  map[string]regionPrices `json:"regions"`
}

// regionPrices are one region's prices, in the table's currency.
type regionPrices struct {
	NATGatewayHour          float64 `json:"nat_gateway_hour"`           // per NAT gateway per hour
	NATGatewayGB            float64 `json:"nat_gateway_gb"`             // per GB processed
	InterfaceEndpointAZHour float64 `json:"interface_endpoint_az_hour"` // per endpoint per AZ per hour
	InterfaceEndpointGB     float64 `json:"interface_endpoint_gb"`      // per GB processed
	PublicIPv4Hour          float64 `json:"public_ipv4_hour"`           // per public IPv4 address per hour
	FlowLogsS3GB            float64 `json:"flow_logs_s3_gb"`            // per GB of flow-log records delivered to S3
}

// loadPrices reads the price table: the embedded one when file is "",
// else file (the same shape). Errors name the file.
func loadPrices(file string) (*priceTable, string, error) {
	data, from := embeddedPrices, "embedded"
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, "", fmt.Errorf("price table: %w", err)
		}
		data, from = b, file
	}
	t, err := parsePrices(data)
	if err != nil {
		return nil, "", fmt.Errorf("price table %s: %w", from, err)
	}
	return t, from, nil
}

func parsePrices(data []byte) (*priceTable, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t priceTable
	if err := dec.Decode(&t); err != nil {
		return nil, err
	}
	switch {
	case t.Currency == "":
		return nil, fmt.Errorf("no currency")
	case t.Date == "":
		return nil, fmt.Errorf("no date: say when the prices were read")
	case t.Regions["default"] == (regionPrices{}):
		return nil, fmt.Errorf(`no "default" region prices`)
	}
	if _, err := time.Parse(time.DateOnly, t.Date); err != nil {
		return nil, fmt.Errorf("date %q is not YYYY-MM-DD", t.Date)
	}
	for name, p := range t.Regions {
		for _, v := range []float64{p.NATGatewayHour, p.NATGatewayGB, p.InterfaceEndpointAZHour, p.InterfaceEndpointGB, p.PublicIPv4Hour, p.FlowLogsS3GB} {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("region %s: a price is negative or not a number", name)
			}
		}
	}
	return &t, nil
}

func (t *priceTable) region(name string) regionPrices {
	if p, ok := t.Regions[name]; ok {
		return p
	}
	return t.Regions["default"]
}

// cents rounds an amount to a hundredth.
func cents(x float64) float64 { return math.Round(x*100) / 100 }

// estimateCost prices what the plan adds and removes per month: NAT
// gateway hours and their Elastic IPs, interface endpoint AZ-hours, the
// data the NAT gateways would process (from the flow logs, scaled to a
// month), and the public IPv4 addresses the moves drop (a saving).
func estimateCost(designs []*regionDesign, t *priceTable, from string) Cost {
	c := Cost{Currency: t.Currency, PricesDate: t.Date, PricesFrom: from, Items: []CostItem{}, Comparisons: []string{}}
	add := func(what string, q float64, unit string, price float64) {
		if q == 0 {
			return
		}
		c.Items = append(c.Items, CostItem{What: what, Quantity: math.Round(q*1000) / 1000, Unit: unit, Monthly: cents(q * price)})
	}
	money := func(x float64) string { return fmt.Sprintf("%.2f %s", x, t.Currency) }
	unit := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) + " " + t.Currency }
	for _, d := range designs {
		p := t.region(d.reg.Name)
		prefix := d.reg.Account + " " + d.reg.Name + ": "
		var nats, endpointAZs, flowLogs, perAZ, single int
		for _, v := range d.vpcs {
			nats += len(v.plan.NATGateways)
			for _, ep := range v.plan.Endpoints {
				if ep.Type == "Interface" {
					endpointAZs += len(ep.Subnets)
				}
			}
			if v.plan.FlowLog != nil {
				flowLogs++
			}
			perAZ += v.natPerAZ
			single += v.natSingle
		}
		add(prefix+fmt.Sprintf("NAT gateway hours (%d new)", nats), float64(nats*HoursPerMonth), "hours", p.NATGatewayHour)
		add(prefix+fmt.Sprintf("Elastic IPs of the new NAT gateways (%d public IPv4 addresses)", nats), float64(nats*HoursPerMonth), "address-hours", p.PublicIPv4Hour)
		add(prefix+"interface endpoint AZ-hours", float64(endpointAZs*HoursPerMonth), "AZ-hours", p.InterfaceEndpointAZHour)
		dropped := 0
		for _, m := range d.plan.Moves {
			if m.DropsPublicIP {
				if res := d.movedResource(m); res != nil {
					dropped += len(publicIPv4(res))
				}
			}
		}
		add(prefix+fmt.Sprintf("public IPv4 addresses the moves remove (%d)", dropped), float64(dropped*HoursPerMonth), "address-hours", -p.PublicIPv4Hour)

		natGB, gatewayGB, ok := d.monthlyGB()
		switch {
		case !d.opts.FlowLogs:
			c.Comparisons = append(c.Comparisons, prefix+fmt.Sprintf("without flow logs the data the NAT gateways process is not estimated (%s per GB processed)", unit(p.NATGatewayGB)))
		case !ok:
			c.Comparisons = append(c.Comparisons, prefix+"the flow logs carry no times, so their traffic cannot be scaled to a month: NAT data processed is not estimated")
		default:
			add(prefix+"data processed by the NAT gateways (internet and AWS services other than S3 and DynamoDB, from the flow logs scaled to a month)", natGB, "GB", p.NATGatewayGB)
			if gatewayGB > 0 {
				c.Comparisons = append(c.Comparisons, prefix+fmt.Sprintf("S3 and DynamoDB traffic (%.3f GB a month) through the gateway endpoints instead of a NAT gateway saves %s a month", gatewayGB, money(gatewayGB*p.NATGatewayGB)))
			}
		}
		if perAZ > single {
			extra := float64((perAZ-single)*HoursPerMonth) * (p.NATGatewayHour + p.PublicIPv4Hour)
			c.Comparisons = append(c.Comparisons, prefix+fmt.Sprintf("per-az NAT (%d gateways) costs %s a month more than single (%d), and keeps each AZ's way out independent of the others", perAZ, money(extra), single))
		}
		if dropped > 0 {
			c.Comparisons = append(c.Comparisons, prefix+fmt.Sprintf("AWS charges for every public IPv4 address: removing %d saves %s a month", dropped, money(float64(dropped*HoursPerMonth)*p.PublicIPv4Hour)))
		}
		if flowLogs > 0 {
			c.Comparisons = append(c.Comparisons, prefix+fmt.Sprintf("%d new %s to S3 %s %s per GB of records delivered; their volume depends on the traffic and is not estimated", flowLogs, pluralWord(flowLogs, "flow log", "flow logs"), pluralWord(flowLogs, "costs", "cost"), unit(p.FlowLogsS3GB)))
		}
	}
	for _, it := range c.Items {
		c.Monthly += it.Monthly
	}
	c.Monthly = cents(c.Monthly)
	return c
}

// movedResource finds the resource of a move.
func (d *regionDesign) movedResource(m *Move) *model.Resource {
	for _, v := range d.vpcs {
		for _, res := range v.resources {
			if res.ID == m.Resource && string(res.Kind) == m.Kind {
				return res
			}
		}
	}
	return nil
}

// monthlyGB sums the accepted traffic of the private tier's resources to
// the internet and AWS services, scaled from the logged period to a month:
// what would go through the NAT gateways, and what goes to S3 and
// DynamoDB through the gateway endpoints instead. ok is false when the
// edges carry no times.
func (d *regionDesign) monthlyGB() (nat, gateway float64, ok bool) {
	var first, last time.Time
	var natBytes, gwBytes int64
	for _, e := range d.edges {
		if !e.FirstSeen.IsZero() && (first.IsZero() || e.FirstSeen.Before(first)) {
			first = e.FirstSeen
		}
		if e.LastSeen.After(last) {
			last = e.LastSeen
		}
		if e.Action != "ACCEPT" {
			continue
		}
		src := d.resourceOf(e.Src)
		if src == nil || d.placement[src].tier != TierPrivate {
			continue
		}
		switch {
		case e.Dst.Kind == flows.KindAWSService && (strings.EqualFold(e.Dst.ID, "S3") || strings.EqualFold(e.Dst.ID, "DYNAMODB")):
			gwBytes += e.Bytes
		case e.Dst.Kind == flows.KindAWSService, e.Dst.Kind == flows.KindInternet:
			natBytes += e.Bytes
		}
	}
	period := last.Sub(first)
	if first.IsZero() || period <= 0 {
		return 0, 0, false
	}
	scale := float64(HoursPerMonth) * float64(time.Hour) / float64(period)
	const gb = 1e9
	return float64(natBytes) * scale / gb, float64(gwBytes) * scale / gb, true
}
