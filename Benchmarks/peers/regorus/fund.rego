# The Shenyang fund's reading (Tests/oracle/README.md, ported from oracle.py) in Rego, for the
# regorus contestant. `decision` is one case's decision; input is one case file as JSON.
#
# regorus's numbers are f64 (0.07 * 100 != 7 there), so money is made integer fen by hand: a
# "x.yy" string is split at the point and each part read as an integer, a JSON number is
# round(x * 100), exact for any amount the fund allows. Dates are compared as nanoseconds.
package fund

import rego.v1

day(s) := time.parse_ns("2006-01-02", s)

start := day("2024-01-01") # art16's start and the pilot period
end := day("2025-12-31")

fen(x) := 0 if x == null
fen(x) := round(x * 100) if is_number(x)
fen(x) := v if {
	is_string(x)
	parts := split(trim_space(x), ".")
	count(parts) == 1
	v := to_number(parts[0]) * 100
}
fen(x) := v if {
	is_string(x)
	parts := split(trim_space(x), ".")
	count(parts) == 2
	count(parts[1]) <= 2
	# "1" in front: regorus's to_number refuses a leading zero ("07")
	cents := to_number(concat("", ["1", substring(concat("", [parts[1], "00"]), 0, 2)])) - 100
	v := (to_number(parts[0]) * 100) + cents
}

money(f) := sprintf("%d.%02d", [floor(f / 100), f % 100])

obj(o, k) := v if {
	v := object.get(o, k, {})
	is_object(v)
} else := {}

list(o, k) := v if {
	v := object.get(o, k, [])
	is_array(v)
} else := []

yes(o, k) if object.get(o, k, false) == true

given(o, k) if object.get(o, k, null) != null

nonempty(o, k) if {
	v := object.get(o, k, "")
	is_string(v)
	v != ""
}

a := obj(input, "applicant")

p := obj(input, "project")

item := input.item

applied := day(input.applied_on)

item_clause := {
	"transformation": "art4.1", "chain_case_award": "art4.2", "product_award": "art4.2",
	"public_platform": "art4.3", "sector_platform": "art4.3", "diagnosis": "art4.4",
	"acceptance_monitoring": "art4.5", "activities": "art4.6", "other": "art4.7",
}[item]

caps := {
	"chain_case_award": 50000000, "product_award": 50000000, "public_platform": 500000000,
	"sector_platform": 150000000, "diagnosis": 700000, "acceptance_monitoring": 1000000,
	"activities": 300000000,
}

once_only := {"chain_case_award", "product_award"}

award_kinds := {"chain_case_award": {"enterprise", "service_provider"}, "product_award": {"service_provider"}}

served := {"diagnosis", "acceptance_monitoring"}

eligible_categories := {"software", "cloud", "gateway", "router", "data_acquisition"}

change_clause := {"subject": "art9.1", "content": "art9.2", "nature": "art9.2"}

# ---------------------------------------------------------------- refusals every item shares

refusals contains "art16" if applied < start

refusals contains "art16" if applied > end

refusals contains "art6.1" if {
	yes(a, "little_giant")
	yes(a, "central_sme_fund_received")
}

refusals contains "art6.2" if yes(a, "in_2022_pilot")

banned if {
	given(a, "blacklisted_until")
	day(a.blacklisted_until) >= applied
}

refusals contains "art6.3" if banned

refusals contains "art13" if banned

refusals contains "art13" if given(input, "fraud_found_on")

refusals contains clause if {
	some ch in list(p, "changes")
	not yes(ch, "approved")
	some clause in ["art9", object.get(change_clause, object.get(ch, "kind", ""), "art9.3")]
}

# ---------------------------------------------------------------- transformation (art4.1)

eligible := sum([fen(e.amount) |
	some e in list(p, "expenses")
	eligible_categories[e.category]
	paid := day(e.paid_on)
	paid >= start
	paid <= end
])

transformation_amount := min([floor((eligible + 1) / 2), 50000000 - fen(object.get(p, "previously_granted", null))])

refusals contains "art4.1" if {
	item == "transformation"
	not sme_in_library
}

sme_in_library if {
	yes(a, "is_sme")
	yes(a, "in_pilot_library")
}

refusals contains "art4.1" if {
	item == "transformation"
	given(p, "digital_level")
	p.digital_level < 2
}

refusals contains "art4.1" if {
	item == "transformation"
	transformation_amount <= 0
}

missing contains "project.digital_level" if {
	item == "transformation"
	not given(p, "digital_level")
}

missing contains "project.accepted_on" if {
	item == "transformation"
	not given(p, "accepted_on")
}

# ---------------------------------------------------------------- capped items (art4.2 .. art4.6)

requested := fen(object.get(input, "requested", null))

refusals contains item_clause if {
	caps[item]
	requested <= 0
}

refusals contains item_clause if {
	once_only[item]
	yes(input, "already_awarded")
}

refusals contains item_clause if {
	once_only[item]
	not selection_ok
}

selection_ok if {
	s := obj(input, "selection")
	nonempty(s, "subject")
	given(s, "on")
	on := day(s.on)
	on <= applied
	on >= start
	on <= end
}

refusals contains item_clause if {
	once_only[item]
	not award_kinds[item][object.get(a, "kind", "")]
}

refusals contains item_clause if {
	item == "sector_platform"
	not nonempty(p, "platform")
}

refusals contains item_clause if {
	served[item]
	object.get(a, "kind", "") == "enterprise" # not for its own
}

missing contains "project.assessed_enterprise" if {
	served[item]
	not nonempty(p, "assessed_enterprise")
}

amount := transformation_amount if item == "transformation"

amount := min([requested, caps[item]]) if caps[item]

# ---------------------------------------------------------------- the decision

clawback := fen(object.get(input, "disbursed", null)) if given(input, "fraud_found_on") else := 0

ban_end := sprintf("%04d-%02d-%02d", [y + 3, m, same_day(m, d)]) if {
	given(input, "fraud_found_on") # a null date is defined in Rego: time.parse_ns would fail on it
	[y, m, d] := time.date(day(input.fraud_found_on))
} else := null

# art13's ban ends on the same day three years on, or the month's last day (2024-02-29 -> 2027-02-28).
same_day(m, d) := 28 if {
	m == 2
	d == 29
} else := d

base := {"case": input.case, "clawback": money(clawback), "blacklisted_until": ban_end, "missing": []}

decision := object.union(base, {"outcome": "refused", "amount": "0.00", "reasons": sort(refusals)}) if {
	item_clause # an unknown item decides nothing
	count(refusals) > 0
} else := object.union(base, {"outcome": "incomplete", "amount": "0.00", "reasons": [item_clause], "missing": sort(missing)}) if {
	count(missing) > 0
} else := object.union(base, {"outcome": "review", "amount": "0.00", "reasons": ["art4.7"]}) if {
	item == "other"
} else := object.union(base, {"outcome": "granted", "amount": money(amount), "reasons": [item_clause]})
