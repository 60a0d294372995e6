package epcis

import (
	"errors"
	"testing"
)

func TestNormaliseIdentifier(t *testing.T) {
	tests := []struct{ in, want string }{
		// EPC URNs (GS1 Tag Data Standard 2.0) → canonical Digital Link.
		{"urn:epc:id:sgtin:4012345.011111.9876", "https://id.gs1.org/01/04012345111118/21/9876"},
		{"urn:epc:id:sgtin:415056789012.0.987654", "https://id.gs1.org/01/04150567890128/21/987654"},
		{"urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()", "https://id.gs1.org/01/80614141123458/21/6789%2F%26%25%22%21%3F%28%29"},
		{"urn:epc:id:sscc:4012345.3111111111", "https://id.gs1.org/00/340123451111111111"},
		{"urn:epc:id:sgln:4012345.00005.122", "https://id.gs1.org/414/4012345000054/254/122"},
		{"urn:epc:id:sgln:4012345.00005.0", "https://id.gs1.org/414/4012345000054"},
		{"urn:epc:id:pgln:999999999999.", "https://id.gs1.org/417/9999999999994"},
		{"urn:epc:id:grai:4012345.00022.334455", "https://id.gs1.org/8003/04012345000221334455"},
		{"urn:epc:id:giai:4012345.ABC345", "https://id.gs1.org/8004/4012345ABC345"},
		{"urn:epc:id:gsrn:4012345.0000006765", "https://id.gs1.org/8018/401234500000067657"},
		{"urn:epc:id:gsrnp:4012345.0000000007", "https://id.gs1.org/8017/401234500000000074"},
		{"urn:epc:id:gdti:4012345.00009.PO-4711", "https://id.gs1.org/253/4012345000092PO-4711"},
		{"urn:epc:id:gdti:987659999999..9", "https://id.gs1.org/253/98765999999929"},
		{"urn:epc:id:sgcn:4012345.67890.04711", "https://id.gs1.org/255/401234567890104711"},
		{"urn:epc:id:cpi:0614141.11111111111111-A%23%2F.1234", "https://id.gs1.org/8010/061414111111111111111-A%23%2F/8011/1234"},
		{"urn:epc:id:ginc:0614141.xyz47%2F11", "https://id.gs1.org/401/0614141xyz47%2F11"},
		{"urn:epc:id:gsin:4012345.222333444", "https://id.gs1.org/402/40123452223334442"},
		{"urn:epc:id:itip:4012345.011111.01.02.987", "https://id.gs1.org/8006/040123451111180102/21/987"},
		{"urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7'SDB", "https://id.gs1.org/01/01234567987651/235/51qIgY%29%3C%26Jp3%2Aj7'SDB"},
		{"urn:epc:class:lgtin:4012345.012345.Lot987", "https://id.gs1.org/01/04012345123456/10/Lot987"},
		{"urn:epc:idpat:sgtin:4012345.066666.*", "https://id.gs1.org/01/04012345666663"},
		// Digital Link URIs: any domain, aliases, query strings, path
		// prefixes, short GTINs, the finest qualifier only.
		{"https://id.gs1.org/gtin/09780345418913", "https://id.gs1.org/01/09780345418913"},
		{"https://example.com/gtin/09780345418913/21/765tz?abc=211121", "https://id.gs1.org/01/09780345418913/21/765tz"},
		{"https://id.gs1.de/414/4012345000115", "https://id.gs1.org/414/4012345000115"},
		{"http://brand.example/some/path/01/9506000134352/10/L1/21/S%2F1#x", "https://id.gs1.org/01/09506000134352/21/S%2F1"},
		{"https://example.org/01/12345670", "https://id.gs1.org/01/00000012345670"},
		{"https://example.com/01/0950600013435", "https://id.gs1.org/01/00950600013435"},
		{"https://example.org/01/09506000134352/22/A/10/L%7e1", "https://id.gs1.org/01/09506000134352/10/L~1"},
		{"https://example.org/8006/040123451111180102/10/X", "https://id.gs1.org/8006/040123451111180102/10/X"},
		// CBV 1.x vocabulary URNs.
		{"urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{"urn:epcglobal:cbv:disp:in_transit", "https://ref.gs1.org/cbv/Disp-in_transit"},
		// Left as they are.
		{"urn:epcglobal:cbv:bt:0614141073467:1152", "urn:epcglobal:cbv:bt:0614141073467:1152"},
		{"urn:epc:id:sgtin:4012345.011111", "urn:epc:id:sgtin:4012345.011111"},                       // no serial
		{"urn:epc:id:sgtin:401234.011111.1", "urn:epc:id:sgtin:401234.011111.1"},                     // 12 digits, not 13
		{"urn:epc:id:sscc:4012345.31111111x1", "urn:epc:id:sscc:4012345.31111111x1"},                 // not digits
		{"urn:epc:id:sgtin:4012345.011111.9%2", "urn:epc:id:sgtin:4012345.011111.9%2"},               // bad escape
		{"urn:epc:id:gid:95100000.12345.400", "urn:epc:id:gid:95100000.12345.400"},                   // no Digital Link form
		{"https://example.com/01/123456789", "https://example.com/01/123456789"},                     // 9 digits
		{"https://example.com/414/4012345000115/21/1", "https://example.com/414/4012345000115/21/1"}, // 21 does not qualify a GLN
		{"http://transaction.acme.com/po/12345678", "http://transaction.acme.com/po/12345678"},
		{"https://circ4life.eecc.info/recycling/bin/obj/1234567890119051400001112345", "https://circ4life.eecc.info/recycling/bin/obj/1234567890119051400001112345"},
		{"geo:47.506694,11.104301", "geo:47.506694,11.104301"},
		{"urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8", "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8"},
	}
	for _, tt := range tests {
		got := normaliseIdentifier(tt.in)
		if got != tt.want {
			t.Errorf("normaliseIdentifier(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if again := normaliseIdentifier(got); again != got {
			t.Errorf("normaliseIdentifier is not idempotent on %q: %q", got, again)
		}
	}
}

func TestVocabulary(t *testing.T) {
	tests := []struct {
		voc      vocab
		in, want string
	}{
		{vocBizStep, "shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{vocBizStep, "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{vocBizStep, "cbv:BizStep-receiving", "https://ref.gs1.org/cbv/BizStep-receiving"},
		{vocBizStep, "https://ref.gs1.org/cbv/BizStep-receiving", "https://ref.gs1.org/cbv/BizStep-receiving"},
		{vocBizStep, "http://epcis.example.com/user/vocab/bizstep/exampling", "http://epcis.example.com/user/vocab/bizstep/exampling"},
		{vocDisp, "in_transit", "https://ref.gs1.org/cbv/Disp-in_transit"},
		{vocBTT, "urn:epcglobal:cbv:btt:po", "https://ref.gs1.org/cbv/BTT-po"},
		{vocSDT, "owning_party", "https://ref.gs1.org/cbv/SDT-owning_party"},
		{vocGS1, "Temperature", "https://gs1.org/voc/Temperature"},
		{vocGS1, "gs1:MT-Temperature", "https://gs1.org/voc/MT-Temperature"},
		{vocGS1, "example:someSensorProperty", "example:someSensorProperty"},
		{vocComponent, "x", "https://ref.gs1.org/cbv/Comp-x"},
		{vocComponent, "example:x", "example:x"},
	}
	for _, tt := range tests {
		if got := tt.voc.normalise(tt.in); got != tt.want {
			t.Errorf("normalise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalTime(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"2019-10-21T14:45:00Z", "2019-10-21T14:45:00.000Z", nil},
		{"2020-03-04T11:00:30+01:00", "2020-03-04T10:00:30.000Z", nil},
		{"2022-02-16T20:33:31.116000-06:00", "2022-02-17T02:33:31.116Z", nil},
		{"2022-02-16T08:40:21.3142715Z", "2022-02-16T08:40:21.314Z", nil},
		{"2022-02-16T08:40:21.3145Z", "2022-02-16T08:40:21.315Z", nil}, // half rounds up
		{"2022-12-31T23:59:59.9996+00:00", "2023-01-01T00:00:00.000Z", nil},
		{"2022-02-16t08:40:21z", "2022-02-16T08:40:21.000Z", nil},
		{" 2022-02-16T08:40:21Z\n", "2022-02-16T08:40:21.000Z", nil},
		{"2022-02-16T08:40:21", "", errNoZone},
		{"2022-02-16", "", errBadTime},
		{"yesterday", "", errBadTime},
	}
	for _, tt := range tests {
		got, err := canonicalTime(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("canonicalTime(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestCanonicalDecimal(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"452.0", "452", true},
		{"0.5", "0.5", true},
		{"26", "26", true},
		{"0.3434000", "0.3434", true},
		{"-0.0", "0", true},
		{"+7.50", "7.5", true},
		{"007", "7", true},
		{".5", "0.5", true},
		{"5.", "5", true},
		{"1.50E2", "150", true},
		{"1e-3", "0.001", true},
		{"-12.5e-1", "-1.25", true},
		{"111100001111000011110000", "111100001111000011110000", true},
		{"1e2000", "", false},
		{"abc", "", false},
		{"", "", false},
		{".", "", false},
		{"1.2.3", "", false},
		{"1e", "", false},
	}
	for _, tt := range tests {
		got, ok := canonicalDecimal(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("canonicalDecimal(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
