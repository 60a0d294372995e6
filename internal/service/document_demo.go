package service

// The demo organisation's document texts, written for Bulkhead.

const demoPolicyText = `# Supply chain security policy

Harbourline Logistics stores, handles and moves goods for its customers
across Europe and between Mexico and the United States. Keeping that freight
safe from theft, tampering and smuggling is part of the service we sell.

## Our commitments

- We assess security risks at each site and lane at least once a year, and
  whenever operations change, and we act on what we find.
- We meet the legal and customs requirements that apply to us, and the
  programmes we have joined (AEO, C-TPAT and TAPA FSR).
- We set yearly security objectives, give them owners and budgets, and
  report progress to the board.
- Everyone who works for us, and every partner who handles our customers'
  freight, knows the part of this policy that concerns them.
- Staff can report a security concern without fear of blame.
- We learn from incidents and near misses, and improve the management
  system continually.

This policy is reviewed every year by the managing director.
`

const demoScopeText = `# Scope statement

The security management system covers the storage, handling and road
transport of customers' freight at the four Harbourline sites listed below,
from the moment freight enters our gate until it is handed to the next
party in the chain.

Services we buy in and control through our partner requirements are
listed as exclusions, with the reason.
`

const demoSealTextV1 = `# Seal control

1. High-security seals (ISO 17712 class H) are kept in a locked cabinet.
   Only the shift lead holds the key.
2. Every seal issued is written in the seal log with its number, the
   trailer or container, and the name of the person who fixed it.
3. Before departure, a second person checks the seal number against the
   shipping documents and pulls on the seal.
`

const demoSealTextV2 = demoSealTextV1 + `4. A seal number that does not match, or a seal that looks damaged, is an
   anomaly: stop the departure, photograph the seal and call the security
   manager.
5. At the end of each day the shift lead counts the seals in stock and
   reconciles them with the log.
`

const demoInspectionText = `# Container and trailer inspection

Inspect every empty container or trailer before loading, on the points of
the inspection checklist (front wall, left and right sides, floor, ceiling,
inside and outside doors, outside and undercarriage).

- Record the result on the inspection form and sign it.
- Any sign of a false wall, fresh welds or repairs: do not load; tell the
  shift lead.
`

const demoVisitorText = `# Visitor and driver access

- Every visitor shows photo identification at the gatehouse and is logged.
- Visitors wear a badge and are escorted in operational areas.
- Drivers stay in the drivers' room unless called to the dock.
- Badges are handed back on leaving; missing badges are reported the same
  day.
`

const demoIncidentText = `# Security incident response (draft)

1. Make people safe first. Call emergency services when needed.
2. Tell the security manager within one hour.
3. Keep evidence: do not move freight, seals or packaging.
4. Record the incident in Bulkhead the same day.
`
