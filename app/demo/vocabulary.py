"""The words a demo organisation is made of: teams, people, services, and work item titles.

Kept apart from the generators so the data reads like a real engineering organisation
(business domains with their own nouns, regulations that apply to them) without the
generators turning into word lists.
"""

from __future__ import annotations

from dataclasses import dataclass

ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "America/Los_Angeles",
    "Europe/London",
    "Australia/Sydney",
)


@dataclass(frozen=True)
class Domain:
    team: str
    prefix: str
    """Workload key prefix, as in PAY-1234."""
    slug: str
    """Stem of the domain's component names."""
    data: str
    """Data classes its stores hold: p(ii), f(inancial), h(ealth)."""
    nouns: tuple[str, ...]


def _d(team: str, prefix: str, slug: str, data: str, nouns: str) -> Domain:
    return Domain(team, prefix, slug, data, tuple(n.strip() for n in nouns.split(",")))


# The first eight make the small organisation: front ends, platform and the money path.
DOMAINS = (
    _d("Payments", "PAY", "payments", "pf", "refunds, payouts, card tokens, chargebacks"),
    _d("Checkout", "CHK", "checkout", "p", "basket, delivery slots, promo codes, order summary"),
    _d("Identity", "IAM", "identity", "p", "sign-in, passkeys, sessions, password reset"),
    _d("Catalog", "CAT", "catalog", "", "product pages, variants, price tags, category tree"),
    _d("Orders", "ORD", "orders", "pf", "order history, cancellations, invoices, order status"),
    _d("Web Experience", "WEB", "web", "", "home page, navigation, cookie banner, product grid"),
    _d("Mobile Apps", "MOB", "mobile", "", "push opt-in, app onboarding, deep links, dark mode"),
    _d("Platform", "PLT", "platform", "", "deploy pipeline, cluster nodes, service mesh, quotas"),
    _d("Search", "SRCH", "search", "", "autocomplete, facets, synonyms, ranking rules"),
    _d("Notifications", "NTF", "notify", "p", "email templates, SMS, push messages, digests"),
    _d("Billing", "BIL", "billing", "pf", "invoices, dunning, credit notes, billing cycles"),
    _d("Pricing", "PRC", "pricing", "", "price rules, currency rates, discounts, price history"),
    _d("Inventory", "INV", "inventory", "", "stock levels, reservations, stock alerts, bins"),
    _d("Shipping", "SHP", "shipping", "p", "labels, carrier rates, tracking events, pickups"),
    _d("Returns", "RET", "returns", "pf", "return labels, refund triggers, RMA, drop-off points"),
    _d("Loyalty", "LOY", "loyalty", "p", "points balance, tiers, rewards, member offers"),
    _d("Recommendations", "REC", "reco", "", "similar items, bundles, carousels, model features"),
    _d("Reviews", "RVW", "reviews", "p", "ratings, review moderation, photos, Q&A"),
    _d("Messaging", "MSG", "messaging", "p", "inbox, conversations, attachments, read receipts"),
    _d("Fraud Prevention", "FRD", "fraud", "pf", "risk scores, block lists, velocity rules, cases"),
    _d("Data Platform", "DATA", "data", "p", "ingestion jobs, warehouse tables, lineage, CDC"),
    _d("Analytics", "ANL", "analytics", "", "dashboards, funnels, event schema, KPIs"),
    _d("Customer Support", "SUP", "support", "p", "tickets, macros, call-backs, agent notes"),
    _d("Marketing", "MKT", "marketing", "p", "campaigns, audiences, newsletters, UTM tracking"),
    _d("Promotions", "PROMO", "promo", "", "vouchers, flash sales, coupon limits, banners"),
    _d("Subscriptions", "SUB", "subscriptions", "pf", "plans, renewals, trials, pauses"),
    _d("Tax", "TAX", "tax", "f", "VAT rates, tax exemptions, tax reports, nexus rules"),
    _d("Ledger", "LDG", "ledger", "f", "journal entries, reconciliations, balances, periods"),
    _d("Treasury", "TRS", "treasury", "f", "cash positions, FX hedges, bank statements, sweeps"),
    _d("Compliance Engineering", "CMP", "compliance", "p", "evidence, controls, DSARs, holds"),
    _d("Partner Integrations", "PRT", "partners", "p", "partner feeds, webhooks, API keys, SLAs"),
    _d("Marketplace", "MKP", "marketplace", "pf", "seller listings, commissions, disputes"),
    _d("Seller Tools", "SLR", "seller", "p", "seller dashboard, bulk upload, payouts view"),
    _d("Warehouse", "WMS", "warehouse", "", "pick lists, put-away, cycle counts, waves"),
    _d("Logistics", "LOG", "logistics", "", "routes, depots, delivery windows, manifests"),
    _d("Content", "CNT", "content", "", "landing pages, CMS blocks, translations, media library"),
    _d("Media", "MED", "media", "", "image resizing, video transcoding, thumbnails, CDN purge"),
    _d("Localisation", "LOC", "l10n", "", "locales, translation memory, currency formats"),
    _d("Developer Experience", "DX", "devex", "", "build cache, CI runners, templates, linters"),
    _d("Observability", "OBS", "observability", "", "traces, log retention, alert rules, SLOs"),
    _d("Site Reliability", "SRE", "sre", "", "on-call rota, runbooks, capacity plans, failover"),
    _d("Security Engineering", "SEC", "security", "p", "secrets, WAF rules, key rotation, SBOM"),
    _d("Networking", "NET", "network", "", "load balancers, DNS zones, egress rules, TLS"),
    _d("Storage", "STO", "storage", "", "backups, snapshots, object buckets, volumes"),
    _d("Event Streaming", "EVT", "events", "", "topics, schemas, consumer lag, dead letters"),
    _d("Accounts", "ACC", "accounts", "pf", "account settings, addresses, account closure"),
    _d("Consent & Privacy", "PRV", "privacy", "p", "consent records, cookie choices, erasure"),
    _d("Health Records", "HLT", "health", "ph", "prescriptions, allergies, lab results"),
    _d("Insurance", "INS", "insurance", "pfh", "policies, claims, premiums, coverage checks"),
    _d("Lending", "LND", "lending", "pf", "credit checks, instalments, repayment plans"),
)

# Shared components every organisation has, owned by the team named; kinds and data classes.
SHARED = (
    ("web-storefront", "web", "Web Experience", "", "Customer web shop (Next.js)"),
    ("admin-portal", "web", "Web Experience", "p", "Back-office portal for agents"),
    ("ios-app", "mobile", "Mobile Apps", "p", "Customer iOS app"),
    ("android-app", "mobile", "Mobile Apps", "p", "Customer Android app"),
    ("api-gateway", "service", "Platform", "", "Edge gateway: routing, auth, rate limits"),
    ("auth-service", "service", "Identity", "p", "Token issuing and validation"),
    ("ui-kit", "library", "Web Experience", "", "Shared design-system components"),
    ("common-http", "library", "Platform", "", "HTTP client with retries and tracing"),
    ("proto-contracts", "library", "Platform", "", "Protobuf contracts of all services"),
    ("kafka-cluster", "infrastructure", "Platform", "", "Event backbone"),
    ("k8s-platform", "infrastructure", "Platform", "", "Kubernetes clusters and ingress"),
    ("redis-cache", "infrastructure", "Platform", "", "Shared cache cluster"),
    ("observability-stack", "infrastructure", "Platform", "", "Metrics, logs and traces"),
    ("vault-secrets", "infrastructure", "Platform", "", "Secrets and key management"),
)

SERVICE_SUFFIXES = (
    "api", "service", "worker", "events", "scheduler", "sync", "admin", "reporting",
    "importer", "exporter", "webhooks", "rules", "gateway", "notifier", "indexer", "batch",
    "bff", "adapter", "orchestrator", "projector",
)  # fmt: skip
STORE_SUFFIXES = ("db", "store", "cache", "archive")
LIBRARY_SUFFIXES = ("sdk", "client", "models")

FIRST_NAMES = (
    "Aisha", "Ananya", "Arjun", "Ben", "Carla", "Chen", "Chloe", "Daniel", "Diego", "Elena",
    "Emma", "Farah", "Felix", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jonas", "Julia",
    "Kenji", "Kofi", "Lars", "Lea", "Lucas", "Maya", "Mei", "Mohammed", "Nadia", "Niamh",
    "Noah", "Olga", "Omar", "Priya", "Rahul", "Rosa", "Sakura", "Samuel", "Sofia", "Tariq",
    "Thandi", "Tom", "Valentina", "Wei", "Yusuf", "Zara", "Amelia", "Bruno", "Carmen", "Dev",
)  # fmt: skip
LAST_NAMES = (
    "Schmidt", "Okafor", "Patel", "Nguyen", "García", "Müller", "Kowalski", "Tanaka", "Smith",
    "Johansson", "Rossi", "Dubois", "Haddad", "Kim", "Singh", "O'Brien", "Fischer", "Silva",
    "Novak", "Andersen", "Ivanova", "Mensah", "Chen", "Weber", "Sato", "Costa", "Hughes",
    "Iyer", "Lopez", "Becker", "Nakamura", "Adeyemi", "Larsen", "Moreau", "Rao", "Walsh",
    "Yilmaz", "Schneider", "Ahmed", "Bianchi",
)  # fmt: skip

TRAINS = (
    ("Platform Train", "PLT", "Europe/Berlin", 1, 22, "Back-end services and platform"),
    ("Customer Apps Train", "APP", "America/New_York", 3, 20, "Web and mobile front ends"),
    ("Money Train", "MNY", "Europe/London", 2, 21, "Payments, billing and ledger"),
    ("Fulfilment Train", "FUL", "America/Los_Angeles", 1, 19, "Inventory to doorstep"),
    ("Data Train", "DAT", "Asia/Kolkata", 2, 23, "Data platform and analytics"),
    ("Growth Train", "GRW", "Australia/Sydney", 3, 21, "Marketing, loyalty, promotions"),
)
"""Name, release prefix, zone, weekday of the window (Monday=0), local start hour, scope."""

REGULATIONS = {
    "p": ("GDPR", "SOC 2"),
    "f": ("PCI DSS 4.0", "SOX", "PSD2 SCA", "DORA"),
    "h": ("HIPAA",),
    "": ("SOC 2", "ISO 27001", "DORA"),
}
"""Regulations by the data class a component holds (the empty key: no regulated data)."""
LIBRARIES = {
    "service": (("spring-boot", "3.3"), ("jackson-databind", "2.17"), ("netty", "4.1.111"),
                ("grpc-java", "1.65"), ("django", "5.0"), ("urllib3", "2.2"), ("protobuf", "4.27")),
    "database": (("PostgreSQL", "16"), ("pgbouncer", "1.23"), ("Flyway", "10.15")),
    "web": (("react", "18.3"), ("next.js", "14.2"), ("webpack", "5.92")),
    "mobile": (("Kotlin", "2.0"), ("Swift", "5.10"), ("React Native", "0.74")),
    "library": (("protobuf", "4.27"), ("openssl", "3.0.14"), ("log4j", "2.23")),
    "infrastructure": (("Kubernetes", "1.30"), ("Kafka", "3.7"), ("Redis", "7.2"),
                       ("Terraform", "1.9"), ("openssl", "3.0.14")),
}  # fmt: skip
"""Upgrade targets and CVE carriers that fit each component kind."""
SURFACES = {
    "web": ("the web shop", "the admin portal"),
    "mobile": ("the iOS app", "the Android app"),
    "any": ("the web shop", "the iOS app", "the Android app", "the admin portal", "the API"),
}
FLAGS = ("new-flow", "fast-path", "v2-engine", "beta-ui", "async-writes", "smart-retry")

TITLES = {
    "feature": (
        "Add {noun} to {surface}",
        "Support {noun} in {component}",
        "Expose {noun} through the public API",
        "Show {noun} on {surface}",
        "Bulk edit for {noun}",
        "Export {noun} as CSV",
        "Filter {noun} by date and status",
        "Personalised {noun} for returning customers",
        "Real-time updates for {noun}",
        "Let agents override {noun} in the admin portal",
    ),
    "configuration": (
        "Raise {component} connection pool to {n}",
        "Enable flag {flag} for {noun} in production",
        "Tune {component} autoscaling thresholds",
        "Rotate {component} TLS certificates",
        "Lower {component} request timeout to {ms} ms",
        "Update rate limits for {noun}",
        "Move {component} to the new node pool",
        "Adjust {noun} cache TTL",
    ),
    "tech_debt": (
        "Upgrade {component} to {lib} {ver}",
        "Remove deprecated v1 {noun} endpoints",
        "Split {noun} module out of {component}",
        "Replace hand-rolled retries in {component}",
        "Decommission legacy {noun} batch job",
        "Drop unused {noun} columns",
        "Consolidate {noun} DTOs",
        "Raise {component} test coverage for {noun}",
    ),
    "compliance": (
        "{reg}: retention policy for {noun}",
        "{reg}: audit logging of {noun} access",
        "{reg}: encrypt {noun} at rest",
        "{reg}: data subject export for {noun}",
        "{reg}: mask {noun} in {component} logs",
        "{reg}: evidence collection for {noun} changes",
    ),
    "bug_fix": (
        "Fix rounding error in {noun}",
        "{Noun} not refreshed after sign-in",
        "Fix race condition in {component} {noun} sync",
        "Duplicate {noun} on retry",
        "Time zone off by one day in {noun} report",
        "Crash in {surface} when {noun} is empty",
        "HTTP 500 on {noun} endpoint with non-ASCII input",
        "Slow {noun} query in {component}",
    ),
    "emergency": (
        "Hotfix: memory leak in {component}",
        "Hotfix: {noun} failing in production",
        "Patch CVE-{year}-{cve} in {lib}",
        "Revert {noun} change causing 5xx",
        "Hotfix: expired certificate on {component}",
        "Emergency: block abusive traffic on {noun}",
    ),
}

INCIDENTS = (
    "Elevated 5xx rate on {component}",
    "p99 latency above 500 ms on {component}",
    "{component} pods crash-looping",
    "Consumer lag growing on {component}",
    "{Noun} not loading for some customers",
    "Error budget burn on {component}",
    "Database connections exhausted in {component}",
    "Certificate expiry warning for {component}",
    "Degraded {noun} after deployment",
)

REJECTIONS = (
    "No rollback plan for the schema change; add one and re-request.",
    "Canary results missing for the production rollout.",
    "Touches payment data without a peer review on record.",
    "Window overlaps the quarter-end freeze; move it to the next release.",
)
