//! The OpenAPI document, built from the same route table the server runs.
//!
//! Mainstream tools must accept it as it is: `redocly lint` (recommended
//! rules) without errors, openapi-typescript and openapi-python-client
//! generating clients that build, and YAML 1.1 readers reading `openapi.yaml`
//! as the JSON the server publishes. The contract tests run those tools.

mod yaml;

use actix_web::App;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::problem_response;
use crate::routes;

/// The document's fixed parts; paths come from [`routes::api`].
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Warren API",
        description = "The API of Warren, the shared platform of a regional care network for small mammals and wildlife.\n\n\
Errors are RFC 9457 `application/problem+json` with a stable `code`; validation errors name each field in `errors`. \
Changes to versioned resources need the `ETag` you read as `If-Match` (a stale one answers 412). \
Creating requests accept an `Idempotency-Key` header: a retry with the same key returns the first answer. \
People authenticate with a short-lived JWT (`Authorization: Bearer`, from `/api/v1/auth/login`) and rotate it with a single-use refresh token; \
integrations use an organization's API key in the `X-API-Key` header; sending both answers 400 `ambiguous_credentials`. \
A path the API has, asked with a method it does not take, answers 405 `method_not_allowed` with an `Allow` header. \
Every response carries an `X-Request-Id`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    // Paths are absolute (`/api/v1/…`, `/api/hsds/…`): the server is the
    // host the document is read from.
    servers((url = "/", description = "The Warren server that publishes this document.")),
    components(schemas(
        warren_wire::Problem,
        warren_wire::AlertFilter,
        warren_wire::FieldError,
        warren_wire::ReferralEvent,
        warren_wire::LoanEvent,
        warren_wire::AlertEvent,
        warren_wire::AlertNotice
    )),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Signing in and out."),
        (name = "me", description = "The caller."),
        (name = "alerts", description = "Alerts that reach people: the inbox with its unread count, acknowledging urgent alerts (in Warren or from the e-mail's single-use link), each person's preferences per kind (immediately, daily digest, inbox only) and quiet hours, sites' on-call rotas, a person's shifts, and the network's acknowledge times. Urgent alerts (tier 1–2 referrals, urgent consults, kit needed today) follow an acknowledgement chain: the person on call, the next, then the organization's admins."),
        (name = "organizations", description = "Members of the network: applications, vetting, details."),
        (name = "directory", description = "Sites and their listings: hours, after-hours cover, capabilities, species, capacity, accuracy and history; search; the audit queue; the taxonomy."),
        (name = "triage", description = "Tiered emergency assessment: the network's versioned protocol, evaluation, recorded assessments with recommended destinations."),
        (name = "referrals", description = "Closed-loop handover between organizations: the form, the lifecycle in FHIR Task words, the timeline and case thread, transport, outcome, boards, answer times with escalation, and the live event stream."),
        (name = "patient-records", description = "The patient record that travels with an animal between the organizations that hold it: identifiers, weights, problems, medications given, observations; care stages to an end; a rehabilitation plan from the library with milestones and the release criteria a release needs (or a clinician's override); what is seen after release, with follow-ups due. Read by every organization that has held the animal, written by the one holding it now."),
        (name = "lending", description = "The kit library: items and their maintenance plans, the catalog and each item's calendar; loans allocated by clinical urgency (never double-booked), the owner's approval queue, checkout and return with the condition checklist and the usage terms."),
        (name = "supplies", description = "Surplus supplies: consumables organizations offer to the network, the board (expired and used-up offers never show), requests with a priority, the offerer's queue ranked by urgency then waiting time, and fulfilment in full or in part."),
        (name = "library", description = "The knowledge library: protocols, case write-ups, enrichment templates, rehabilitation milestones, reintroduction criteria and owner guidance, in Markdown rendered and sanitised by the server; tagged by species and topic; every edit a new version; network-wide or private to the owning organization; full-text search ranked by relevance."),
        (name = "volunteers", description = "The volunteer roster: each person's skills (with expiry), weekly availability, area and vehicle; an organization's roster; transports without a driver, taken by a volunteer whose transport skill is valid on the day; a volunteer's own assignments; foster placements offered by organizations and answered by the fosterer."),
        (name = "specialists", description = "Specialists and consults: clinicians' expertise by species and discipline with weekly consult availability, the specialist search, and consults asked from a referral's case, answered or declined by the specialist and written into the referral's case thread."),
        (name = "places", description = "The gazetteer: postcodes and places with their points, loaded by network admins from GeoNames dumps; looked up by anyone (`GET /api/v1/public/places`) and by searches' `near`."),
        (name = "public", description = "The public directory, for partner websites and the embed: no sign-in, public fields only, CORS open for GET, rate-limited per partner key or client address."),
        (name = "hsds", description = "The directory published as Open Referral HSDS 3.0 (read-only, public, paged as HSDS specifies)."),
        (name = "members", description = "People in an organization."),
        (name = "invitations", description = "Inviting people into an organization."),
        (name = "api-keys", description = "Keys for integrations and partner widgets."),
        (name = "webhooks", description = "Signed HTTP callbacks for referral, loan and alert events: endpoints, the delivery log with retries, redelivery."),
        (name = "audit", description = "The append-only record of every change."),
        (name = "dashboard", description = "The golden-hour dashboard: time to first vet and to accept, acceptance, decline reasons, escalations, open referrals against target, directory freshness and kit use, with every chart's table as CSV."),
        (name = "health", description = "Liveness and readiness."),
    )
)]
pub struct ApiDoc;

/// Declares how callers authenticate.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from `POST /api/v1/auth/login`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "stream_ticket",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "ticket",
                "A one-minute ticket from `POST /api/v1/referral-events/tickets`, for the live event stream only.",
            ))),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                warren_wire::API_KEY_HEADER,
                "An organization's API key.",
            ))),
        );
    }
}

/// The whole document, without starting a server.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::api)
        .split_for_parts();
    add_common_problems(&mut document);
    declare_public_operations(&mut document);
    document_hsds_root_without_slash(&mut document);
    state_text_lengths(&mut document);
    document
}

/// Puts the lengths the server allows on the schemas of its validated text
/// types, from the same constants their `parse` checks. utoipa takes no
/// `min_length`/`max_length` on a newtype's own schema, so they are set
/// here. The server counts characters after trimming surrounding white space
/// (a password as given); JSON Schema counts characters too.
fn state_text_lengths(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::ToSchema;
    use utoipa::openapi::{RefOr, Schema};
    use warren_domain::text::*;

    let lengths = [
        (PersonName::name(), PersonName::LENGTH),
        (OrgName::name(), OrgName::LENGTH),
        (ApiKeyName::name(), ApiKeyName::LENGTH),
        (Description::name(), Description::LENGTH),
        (Email::name(), Email::LENGTH),
        (Password::name(), Password::LENGTH),
        (Website::name(), Website::LENGTH),
        (AddressLine::name(), AddressLine::LENGTH),
        (Phone::name(), Phone::LENGTH),
        (ShortText::name(), ShortText::LENGTH),
        (ClinicalNote::name(), ClinicalNote::LENGTH),
    ];
    let Some(components) = document.components.as_mut() else {
        return;
    };
    for (name, (min, max)) in lengths {
        if let Some(RefOr::T(Schema::Object(schema))) = components.schemas.get_mut(name.as_ref()) {
            schema.min_length = Some(min);
            schema.max_length = Some(max);
        }
    }
}

/// Whether `operation` needs credentials: some requirement names a scheme.
/// `[{}]`, the empty requirement, is how a public operation says it needs
/// none.
pub fn needs_credentials(operation: &utoipa::openapi::path::Operation) -> bool {
    operation
        .security
        .iter()
        .flatten()
        .any(|requirement| *requirement != SecurityRequirement::default())
}

/// Gives every operation that names no security scheme the empty
/// requirement, `security: [{}]`: stated public, not forgotten. Which
/// operations are public is checked against the server's access rules by
/// the contract and security suites.
fn declare_public_operations(document: &mut utoipa::openapi::OpenApi) {
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            if operation.security.as_ref().is_none_or(Vec::is_empty) {
                operation.security = Some(vec![SecurityRequirement::default()]);
            }
        }
    }
}

/// Documents the HSDS root as `/api/hsds`, the spelling without a trailing
/// slash that linters ask for. The server answers both spellings alike
/// ([`crate::hsds::routes`]), but the documented handler is mounted at `/`.
fn document_hsds_root_without_slash(document: &mut utoipa::openapi::OpenApi) {
    if let Some(item) = document.paths.paths.remove("/api/hsds/") {
        document.paths.paths.insert("/api/hsds".to_owned(), item);
    }
}

/// Adds the answers every operation of a kind can give, so that no route
/// forgets one: 400 for a malformed query or `If-Match`, 401 for missing or
/// bad credentials (a partner key on the public routes too), 403 for a key
/// that may not be used on a public route, and 507 for a change the
/// database's full disk cannot hold.
fn add_common_problems(document: &mut utoipa::openapi::OpenApi) {
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for (method, operation) in ["get", "post", "put", "patch", "delete"]
            .into_iter()
            .zip(operations)
            .filter_map(|(method, operation)| {
                operation.as_mut().map(|operation| (method, operation))
            })
        {
            let parameters: Vec<_> = operation.parameters.iter().flatten().collect();
            let query = parameters
                .iter()
                .any(|parameter| parameter.parameter_in == ParameterIn::Query);
            let named = |name: &str| parameters.iter().any(|parameter| parameter.name == name);
            let if_match = named("If-Match");
            let partner_key = named(warren_wire::API_KEY_HEADER);
            let secured = needs_credentials(operation);
            let responses = &mut operation.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem_response(description));
            };
            if query || if_match {
                add("400", "A query parameter or `If-Match` is malformed.");
            }
            if secured || partner_key {
                add("401", "Missing, expired or invalid credentials.");
            }
            if partner_key {
                add(
                    "403",
                    "This key may not be used here: partner pages need the `embed` scope.",
                );
            }
            if method != "get" {
                add("507", "The database's disk is full; nothing was changed.");
            }
            if secured || partner_key {
                let both = "Both a bearer token and an `X-API-Key` were sent (`ambiguous_credentials`): send one.";
                match responses.get_mut("400") {
                    Some(utoipa::openapi::RefOr::T(response)) => {
                        if !response.description.contains("ambiguous_credentials") {
                            response.description = format!("{} {both}", response.description);
                        }
                    }
                    Some(utoipa::openapi::RefOr::Ref(_)) => {}
                    None => {
                        responses.insert("400".to_owned(), problem_response(both));
                    }
                }
            }
        }
    }
}

/// The document as committed in `openapi.yaml`: YAML that YAML 1.1 and 1.2
/// readers both read as [`document`]'s JSON.
pub fn yaml() -> String {
    yaml::to_yaml(&document()).expect("the OpenAPI document serializes to YAML")
}
