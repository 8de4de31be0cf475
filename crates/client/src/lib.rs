//! A typed client for Warren's HTTP API, shared by the SPA and the tests.
//!
//! Built on reqwest, so it runs natively (tests, integrations) and in the
//! browser (wasm32, through `fetch`). Every method sends and receives the
//! types of [`warren_wire`]; an error answer arrives as
//! [`ClientError::Problem`] carrying the server's problem details.
//!
//! ```no_run
//! # async fn run() -> Result<(), warren_client::ClientError> {
//! let client = warren_client::Client::new("http://127.0.0.1:8080");
//! let tokens = client
//!     .login(&warren_wire::LoginRequest {
//!         email: "coordinator@warren.demo".into(),
//!         password: "…".into(),
//!     })
//!     .await?;
//! let me = client.with_access_token(&tokens.access_token).me().await?;
//! println!("signed in as {:?}", me.value.user);
//! # Ok(()) }
//! ```

use reqwest::{Method, RequestBuilder, StatusCode, header};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;
use warren_wire::*;

/// What can go wrong with a call.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// The server answered with problem details.
    Problem(Problem),
    /// The request did not reach the server or the answer was cut off.
    Transport(String),
    /// The server answered something that is not the documented shape.
    UnexpectedAnswer {
        /// The HTTP status.
        status: u16,
        /// The body, as text.
        body: String,
    },
}

impl ClientError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Problem(problem) => Some(problem.status),
            Self::UnexpectedAnswer { status, .. } => Some(*status),
            Self::Transport(_) => None,
        }
    }

    /// The stable problem code, when the server gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Problem(problem) => Some(&problem.code),
            _ => None,
        }
    }

    /// The problem code as Warren's enum, when the server gave one Warren
    /// knows.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code().and_then(ErrorCode::parse)
    }

    /// Whether the server refused with `code`.
    pub fn is(&self, code: ErrorCode) -> bool {
        matches!(self, Self::Problem(problem) if problem.is(code))
    }

    /// A sentence to show a person.
    pub fn message(&self) -> String {
        match self {
            Self::Problem(problem) => problem.message(),
            Self::Transport(reason) => format!("Warren could not be reached ({reason})."),
            Self::UnexpectedAnswer { status, .. } => {
                format!("Warren gave an unexpected answer (HTTP {status}).")
            }
        }
    }
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ClientError {}

impl From<reqwest::Error> for ClientError {
    fn from(error: reqwest::Error) -> Self {
        Self::Transport(error.to_string())
    }
}

/// A resource with the `ETag` to send back as `If-Match` when changing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    /// The resource.
    pub value: T,
    /// Its version, as the server sent it.
    pub etag: String,
}

/// How the client identifies itself.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Credentials {
    Anonymous,
    AccessToken(String),
    ApiKey(String),
}

/// A connection to one Warren server. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
}

/// The result of every call.
pub type Result<T> = std::result::Result<T, ClientError>;

impl Client {
    /// A client for the server at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            http: reqwest::Client::new(),
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            credentials: Credentials::Anonymous,
        }
    }

    /// The server's address.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The underlying HTTP client, for requests outside the contract.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The same client, acting as the person holding `access_token`.
    pub fn with_access_token(&self, access_token: &str) -> Self {
        Self {
            credentials: Credentials::AccessToken(access_token.to_owned()),
            ..self.clone()
        }
    }

    /// The same client, acting with the API key `secret`.
    pub fn with_api_key(&self, secret: &str) -> Self {
        Self {
            credentials: Credentials::ApiKey(secret.to_owned()),
            ..self.clone()
        }
    }

    /// The same client, without credentials.
    pub fn anonymous(&self) -> Self {
        Self {
            credentials: Credentials::Anonymous,
            ..self.clone()
        }
    }

    /// A request to `path` (under the server root, e.g. `/api/v1/me`) with the
    /// client's credentials.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .http
            .request(method, format!("{}{}", self.base_url, path));
        match &self.credentials {
            Credentials::Anonymous => builder,
            Credentials::AccessToken(token) => builder.bearer_auth(token),
            Credentials::ApiKey(secret) => builder.header(API_KEY_HEADER, secret),
        }
    }

    async fn send<T: DeserializeOwned>(builder: RequestBuilder) -> Result<(T, Option<String>)> {
        let response = builder.send().await?;
        let status = response.status();
        let etag = response
            .headers()
            .get(header::ETAG)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await?;
        if status.is_success() {
            let body = if status == StatusCode::NO_CONTENT && body.is_empty() {
                "null"
            } else {
                &body
            };
            serde_json::from_str(body)
                .map(|value| (value, etag))
                .map_err(|_| ClientError::UnexpectedAnswer {
                    status: status.as_u16(),
                    body: body.to_owned(),
                })
        } else {
            Err(match serde_json::from_str::<Problem>(&body) {
                Ok(problem) => ClientError::Problem(problem),
                Err(_) => ClientError::UnexpectedAnswer {
                    status: status.as_u16(),
                    body,
                },
            })
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        Self::send(self.request(Method::GET, path))
            .await
            .map(|(value, _)| value)
    }

    async fn get_versioned<T: DeserializeOwned>(&self, path: &str) -> Result<Versioned<T>> {
        let (value, etag) = Self::send(self.request(Method::GET, path)).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: Option<&str>,
    ) -> Result<T> {
        let mut builder = self.request(Method::POST, path).json(body);
        if let Some(key) = idempotency_key {
            builder = builder.header(IDEMPOTENCY_KEY, key);
        }
        Self::send(builder).await.map(|(value, _)| value)
    }

    async fn change<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
        etag: &str,
    ) -> Result<Versioned<T>> {
        let builder = self
            .request(method, path)
            .header(header::IF_MATCH, etag)
            .json(body);
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    async fn delete(&self, path: &str) -> Result<()> {
        Self::send::<()>(self.request(Method::DELETE, path))
            .await
            .map(|_| ())
    }

    // Authentication.

    /// Signs in with an e-mail address and password.
    pub async fn login(&self, credentials: &LoginRequest) -> Result<TokenResponse> {
        self.post("/api/v1/auth/login", credentials, None).await
    }

    /// Exchanges a refresh token for a new pair (the old one stops working).
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse> {
        let body = RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        };
        self.post("/api/v1/auth/refresh", &body, None).await
    }

    /// Signs out: revokes the refresh token and its whole chain.
    pub async fn logout(&self, refresh_token: &str) -> Result<()> {
        let body = RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        };
        self.post::<_, ()>("/api/v1/auth/logout", &body, None).await
    }

    // The caller.

    /// Who the caller is, with their organizations and roles.
    pub async fn me(&self) -> Result<Versioned<Me>> {
        self.get_versioned("/api/v1/me").await
    }

    /// Changes the caller's own name or password.
    pub async fn update_me(&self, change: &UpdateMeRequest, etag: &str) -> Result<Versioned<Me>> {
        self.change(Method::PATCH, "/api/v1/me", change, etag).await
    }

    // Organizations.

    /// Applies to join the network with a new organization and its first user.
    pub async fn apply(
        &self,
        application: &ApplyRequest,
        idempotency_key: Option<&str>,
    ) -> Result<Application> {
        self.post(
            "/api/v1/organizations/applications",
            application,
            idempotency_key,
        )
        .await
    }

    /// Lists the organizations the caller may see.
    pub async fn organizations(&self, query: &OrganizationQuery) -> Result<OrganizationPage> {
        let builder = self
            .request(Method::GET, "/api/v1/organizations")
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// The vetting queue, oldest application first, with who applied
    /// (network admins).
    pub async fn pending_applications(
        &self,
        query: &PendingApplicationQuery,
    ) -> Result<PendingApplicationPage> {
        let builder = self
            .request(Method::GET, "/api/v1/organizations/applications")
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One organization, with its version.
    pub async fn organization(&self, id: Uuid) -> Result<Versioned<Organization>> {
        self.get_versioned(&format!("/api/v1/organizations/{id}"))
            .await
    }

    /// Changes an organization's details.
    pub async fn update_organization(
        &self,
        id: Uuid,
        change: &UpdateOrganizationRequest,
        etag: &str,
    ) -> Result<Versioned<Organization>> {
        self.change(
            Method::PATCH,
            &format!("/api/v1/organizations/{id}"),
            change,
            etag,
        )
        .await
    }

    /// Vets, suspends or reinstates an organization (network admins).
    pub async fn change_membership(
        &self,
        id: Uuid,
        change: &MembershipChangeRequest,
        etag: &str,
    ) -> Result<Versioned<Organization>> {
        let path = format!("/api/v1/organizations/{id}/membership");
        self.change(Method::POST, &path, change, etag).await
    }

    /// The sites of an organization.
    pub async fn sites(&self, organization: Uuid) -> Result<SiteList> {
        self.get(&format!("/api/v1/organizations/{organization}/sites"))
            .await
    }

    /// Adds a site to an organization.
    pub async fn create_site(
        &self,
        organization: Uuid,
        site: &SiteInput,
        idempotency_key: Option<&str>,
    ) -> Result<Versioned<Site>> {
        let mut builder = self
            .request(
                Method::POST,
                &format!("/api/v1/organizations/{organization}/sites"),
            )
            .json(site);
        if let Some(key) = idempotency_key {
            builder = builder.header(IDEMPOTENCY_KEY, key);
        }
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    // The directory.

    /// One site as members see it, with its version.
    pub async fn site(&self, id: Uuid) -> Result<Versioned<Site>> {
        self.get_versioned(&format!("/api/v1/sites/{id}")).await
    }

    /// Replaces a site's listing; `etag` must be its current version.
    pub async fn update_site(
        &self,
        id: Uuid,
        site: &SiteInput,
        etag: &str,
    ) -> Result<Versioned<Site>> {
        self.change(Method::PUT, &format!("/api/v1/sites/{id}"), site, etag)
            .await
    }

    /// Declares a site's capacity.
    pub async fn set_capacity(
        &self,
        id: Uuid,
        capacity: &SetCapacityRequest,
    ) -> Result<Versioned<Site>> {
        let builder = self
            .request(Method::PUT, &format!("/api/v1/sites/{id}/capacity"))
            .json(capacity);
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    /// Confirms a listing is accurate (network admins).
    pub async fn assure_site(&self, id: Uuid) -> Result<Versioned<Site>> {
        let builder = self.request(Method::POST, &format!("/api/v1/sites/{id}/assurance"));
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    /// A listing's field-level change history, newest first.
    pub async fn site_history(&self, id: Uuid, query: &HistoryQuery) -> Result<SiteHistory> {
        let builder = self
            .request(Method::GET, &format!("/api/v1/sites/{id}/history"))
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Searches the directory as a member of the network.
    pub async fn search(&self, params: &SearchParams) -> Result<SearchPage> {
        let builder = self
            .request(Method::GET, "/api/v1/directory/search")
            .query(params);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// The coordinator's audit queue, overdue listings first (network admins).
    pub async fn audit_queue(&self, query: &AuditQueueQuery) -> Result<AuditQueuePage> {
        let builder = self
            .request(Method::GET, "/api/v1/directory/audit-queue")
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// The capability and species vocabularies.
    pub async fn taxonomy(&self) -> Result<TermList> {
        self.get("/api/v1/taxonomy/terms").await
    }

    /// Adds a term to a vocabulary (network admins).
    pub async fn create_term(&self, term: &CreateTermRequest) -> Result<Term> {
        self.post("/api/v1/taxonomy/terms", term, None).await
    }

    // Triage.

    /// The network's current triage protocol. No sign-in needed.
    pub async fn triage_protocol(&self) -> Result<ProtocolVersion> {
        self.get("/api/v1/triage/protocol").await
    }

    /// Every published protocol version, newest first, with what changed.
    pub async fn triage_protocol_versions(&self) -> Result<ProtocolVersionList> {
        self.get("/api/v1/triage/protocol/versions").await
    }

    /// One published protocol version.
    pub async fn triage_protocol_version(&self, version: u32) -> Result<ProtocolVersion> {
        self.get(&format!("/api/v1/triage/protocol/versions/{version}"))
            .await
    }

    /// Publishes a new protocol version (network admins).
    pub async fn publish_triage_protocol(
        &self,
        request: &PublishProtocolRequest,
    ) -> Result<ProtocolVersion> {
        self.post("/api/v1/triage/protocol/versions", request, None)
            .await
    }

    /// Assesses answers without recording anything. No sign-in needed.
    pub async fn evaluate_triage(&self, request: &EvaluateRequest) -> Result<Assessment> {
        self.post("/api/v1/triage/evaluate", request, None).await
    }

    /// Records an assessment for an organization, with recommended
    /// destinations.
    pub async fn create_assessment(
        &self,
        organization: Uuid,
        request: &CreateAssessmentRequest,
        idempotency_key: Option<&str>,
    ) -> Result<AssessmentRecord> {
        self.post(
            &format!("/api/v1/organizations/{organization}/assessments"),
            request,
            idempotency_key,
        )
        .await
    }

    /// An organization's assessments, newest first.
    pub async fn assessments(
        &self,
        organization: Uuid,
        query: &AssessmentQuery,
    ) -> Result<AssessmentPage> {
        let builder = self
            .request(
                Method::GET,
                &format!("/api/v1/organizations/{organization}/assessments"),
            )
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One recorded assessment.
    pub async fn assessment(&self, id: Uuid) -> Result<AssessmentRecord> {
        self.get(&format!("/api/v1/assessments/{id}")).await
    }

    /// A site's triage variant (404 when it runs the network's protocol as is).
    pub async fn site_triage_variant(&self, site: Uuid) -> Result<SiteTriageVariant> {
        self.get(&format!("/api/v1/sites/{site}/triage-variant"))
            .await
    }

    /// Adopts a variant for a site, replacing any earlier one.
    pub async fn put_site_triage_variant(
        &self,
        site: Uuid,
        variant: &Variant,
    ) -> Result<SiteTriageVariant> {
        let builder = self
            .request(Method::PUT, &format!("/api/v1/sites/{site}/triage-variant"))
            .json(variant);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Drops a site's variant.
    pub async fn delete_site_triage_variant(&self, site: Uuid) -> Result<()> {
        self.delete(&format!("/api/v1/sites/{site}/triage-variant"))
            .await
    }

    // Referrals.

    /// Sends a patient to one or more sites; the answer lists one referral
    /// per receiver.
    pub async fn create_referral(
        &self,
        organization: Uuid,
        request: &CreateReferralRequest,
        idempotency_key: Option<&str>,
    ) -> Result<CreatedReferrals> {
        self.post(
            &format!("/api/v1/organizations/{organization}/referrals"),
            request,
            idempotency_key,
        )
        .await
    }

    /// An organization's referral board.
    pub async fn referrals(
        &self,
        organization: Uuid,
        query: &ReferralQuery,
    ) -> Result<ReferralPage> {
        let builder = self
            .request(
                Method::GET,
                &format!("/api/v1/organizations/{organization}/referrals"),
            )
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One referral with its `ETag`.
    pub async fn referral(&self, id: Uuid) -> Result<Versioned<Referral>> {
        self.get_versioned(&format!("/api/v1/referrals/{id}")).await
    }

    /// Moves a referral; `etag` must be its current version.
    pub async fn transition_referral(
        &self,
        id: Uuid,
        request: &TransitionRequest,
        etag: &str,
    ) -> Result<Versioned<Referral>> {
        self.change(
            Method::POST,
            &format!("/api/v1/referrals/{id}/transitions"),
            request,
            etag,
        )
        .await
    }

    /// Records a referral's outcome, completing it.
    pub async fn record_referral_outcome(
        &self,
        id: Uuid,
        request: &RecordOutcomeRequest,
        etag: &str,
    ) -> Result<Versioned<Referral>> {
        self.change(
            Method::PUT,
            &format!("/api/v1/referrals/{id}/outcome"),
            request,
            etag,
        )
        .await
    }

    /// Arranges or changes a referral's transport leg.
    pub async fn arrange_transport(
        &self,
        id: Uuid,
        request: &TransportRequest,
        etag: &str,
    ) -> Result<Versioned<Referral>> {
        self.change(
            Method::PUT,
            &format!("/api/v1/referrals/{id}/transport"),
            request,
            etag,
        )
        .await
    }

    /// Sets a referral's transport step.
    pub async fn set_business_status(
        &self,
        id: Uuid,
        request: &BusinessStatusRequest,
        etag: &str,
    ) -> Result<Versioned<Referral>> {
        self.change(
            Method::PUT,
            &format!("/api/v1/referrals/{id}/business-status"),
            request,
            etag,
        )
        .await
    }

    /// A referral's timeline.
    pub async fn referral_timeline(&self, id: Uuid) -> Result<Timeline> {
        self.get(&format!("/api/v1/referrals/{id}/timeline")).await
    }

    /// A referral's case thread.
    pub async fn referral_messages(&self, id: Uuid) -> Result<CaseThread> {
        self.get(&format!("/api/v1/referrals/{id}/messages")).await
    }

    /// Writes in a referral's case thread.
    pub async fn post_referral_message(
        &self,
        id: Uuid,
        request: &PostMessageRequest,
    ) -> Result<CaseMessage> {
        self.post(&format!("/api/v1/referrals/{id}/messages"), request, None)
            .await
    }

    /// The network's answer times.
    pub async fn answer_times(&self) -> Result<AnswerTimesSetting> {
        self.get("/api/v1/referral-answer-times").await
    }

    /// Sets the network's answer times (network admins).
    pub async fn set_answer_times(&self, times: &AnswerTimes) -> Result<AnswerTimesSetting> {
        let builder = self
            .request(Method::PUT, "/api/v1/referral-answer-times")
            .json(times);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Whether transport legs may be shared with the network's volunteers.
    pub async fn transport_sharing(&self) -> Result<TransportSharingSetting> {
        self.get("/api/v1/transport-sharing").await
    }

    /// Turns the sharing of transport legs with the network on or off
    /// (network admins).
    pub async fn set_transport_sharing(
        &self,
        request: &TransportSharingRequest,
    ) -> Result<TransportSharingSetting> {
        let builder = self
            .request(Method::PUT, "/api/v1/transport-sharing")
            .json(request);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Referral figures for a period.
    pub async fn referral_metrics(&self, query: &ReferralMetricsQuery) -> Result<ReferralMetrics> {
        let builder = self
            .request(Method::GET, "/api/v1/referral-metrics")
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// A ticket for the live event stream.
    pub async fn stream_ticket(&self) -> Result<StreamTicket> {
        self.post("/api/v1/referral-events/tickets", &(), None)
            .await
    }

    /// The address of the live event stream for `ticket` (for `EventSource`).
    pub fn event_stream_url(&self, ticket: &str) -> String {
        let base = format!("{}/api/v1/referral-events", self.base_url);
        reqwest::Url::parse_with_params(&base, [("ticket", ticket)])
            .map_or(base, |url| url.to_string())
    }

    // The public directory: no sign-in needed.

    /// Searches the public directory.
    pub async fn public_search(&self, params: &SearchParams) -> Result<SearchPage> {
        let builder = self
            .request(Method::GET, "/api/v1/public/search")
            .query(params);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// The places a town or postcode may mean, best first (no sign-in).
    pub async fn lookup_place(&self, lookup: &PlaceLookup) -> Result<PlaceList> {
        let builder = self
            .request(Method::GET, "/api/v1/public/places")
            .query(lookup);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Loads a GeoNames dump into the gazetteer (network admins); `format`
    /// `None` tells it from the first row.
    pub async fn load_gazetteer(
        &self,
        format: Option<GazetteerFormat>,
        dump: impl Into<reqwest::Body>,
    ) -> Result<GazetteerLoadSummary> {
        let builder = self
            .request(Method::POST, "/api/v1/places/imports")
            .query(&GazetteerLoadQuery { format })
            .header(header::CONTENT_TYPE, "text/tab-separated-values")
            .body(dump);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// The network's public report (suppressed counts are `None`).
    pub async fn public_report(&self, query: &ReportQuery) -> Result<PublicReport> {
        let builder = self
            .request(Method::GET, "/api/v1/public/report")
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One site as the public sees it.
    pub async fn public_site(&self, id: Uuid) -> Result<PublicSite> {
        self.get(&format!("/api/v1/public/sites/{id}")).await
    }

    // Members and invitations.

    /// The members of an organization.
    pub async fn members(&self, organization: Uuid) -> Result<MemberList> {
        self.get(&format!("/api/v1/organizations/{organization}/members"))
            .await
    }

    /// Changes a member's role.
    pub async fn change_role(
        &self,
        organization: Uuid,
        user: Uuid,
        change: &ChangeRoleRequest,
    ) -> Result<Member> {
        let path = format!("/api/v1/organizations/{organization}/members/{user}");
        let builder = self.request(Method::PATCH, &path).json(change);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Removes a member from an organization.
    pub async fn remove_member(&self, organization: Uuid, user: Uuid) -> Result<()> {
        self.delete(&format!(
            "/api/v1/organizations/{organization}/members/{user}"
        ))
        .await
    }

    /// The invitations of an organization.
    pub async fn invitations(&self, organization: Uuid) -> Result<InvitationList> {
        self.get(&format!("/api/v1/organizations/{organization}/invitations"))
            .await
    }

    /// Invites a person to an organization.
    pub async fn invite(
        &self,
        organization: Uuid,
        invitation: &CreateInvitationRequest,
        idempotency_key: Option<&str>,
    ) -> Result<CreatedInvitation> {
        let path = format!("/api/v1/organizations/{organization}/invitations");
        self.post(&path, invitation, idempotency_key).await
    }

    /// Withdraws a pending invitation.
    pub async fn revoke_invitation(&self, organization: Uuid, invitation: Uuid) -> Result<()> {
        self.delete(&format!(
            "/api/v1/organizations/{organization}/invitations/{invitation}"
        ))
        .await
    }

    /// What an invitation token offers.
    pub async fn preview_invitation(&self, token: &str) -> Result<InvitationPreview> {
        let query = InvitationTokenQuery {
            token: token.to_owned(),
        };
        let builder = self
            .request(Method::GET, "/api/v1/invitations/preview")
            .query(&query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Accepts an invitation, creating the account if needed.
    pub async fn accept_invitation(
        &self,
        acceptance: &AcceptInvitationRequest,
    ) -> Result<AcceptedInvitation> {
        self.post("/api/v1/invitations/accept", acceptance, None)
            .await
    }

    // API keys.

    /// The API keys of an organization.
    pub async fn api_keys(&self, organization: Uuid) -> Result<ApiKeyList> {
        self.get(&format!("/api/v1/organizations/{organization}/api-keys"))
            .await
    }

    /// Creates an API key; the answer holds its secret, shown only once.
    pub async fn create_api_key(
        &self,
        organization: Uuid,
        key: &CreateApiKeyRequest,
        idempotency_key: Option<&str>,
    ) -> Result<CreatedApiKey> {
        let path = format!("/api/v1/organizations/{organization}/api-keys");
        self.post(&path, key, idempotency_key).await
    }

    /// Revokes an API key.
    pub async fn revoke_api_key(&self, organization: Uuid, key: Uuid) -> Result<()> {
        self.delete(&format!(
            "/api/v1/organizations/{organization}/api-keys/{key}"
        ))
        .await
    }

    // Audit and health.

    /// A page of the audit log.
    pub async fn audit_log(&self, query: &AuditQuery) -> Result<AuditPage> {
        let builder = self.request(Method::GET, "/api/v1/audit-log").query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Whether the server and its database are ready.
    pub async fn ready(&self) -> Result<Health> {
        self.get("/readyz").await
    }
}

/// Webhooks: an organization's endpoints for referral events and their
/// delivery log.
impl Client {
    /// The webhook endpoints of an organization, newest first.
    pub async fn webhooks(&self, organization: Uuid) -> Result<WebhookList> {
        self.get(&format!("/api/v1/organizations/{organization}/webhooks"))
            .await
    }

    /// Registers a webhook endpoint; the answer holds its signing secret,
    /// shown only once.
    pub async fn create_webhook(
        &self,
        organization: Uuid,
        webhook: &CreateWebhookRequest,
        idempotency_key: Option<&str>,
    ) -> Result<CreatedWebhook> {
        let path = format!("/api/v1/organizations/{organization}/webhooks");
        self.post(&path, webhook, idempotency_key).await
    }

    /// Revokes a webhook endpoint.
    pub async fn revoke_webhook(&self, organization: Uuid, webhook: Uuid) -> Result<()> {
        self.delete(&format!(
            "/api/v1/organizations/{organization}/webhooks/{webhook}"
        ))
        .await
    }

    /// A page of an endpoint's delivery log, newest first.
    pub async fn webhook_deliveries(
        &self,
        organization: Uuid,
        webhook: Uuid,
        query: &DeliveryQuery,
    ) -> Result<DeliveryPage> {
        let builder = self
            .request(
                Method::GET,
                &format!("/api/v1/organizations/{organization}/webhooks/{webhook}/deliveries"),
            )
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Sends a delivery's event again, as a new delivery.
    pub async fn redeliver_webhook(
        &self,
        organization: Uuid,
        webhook: Uuid,
        delivery: Uuid,
        idempotency_key: Option<&str>,
    ) -> Result<WebhookDelivery> {
        let mut builder = self.request(
            Method::POST,
            &format!(
                "/api/v1/organizations/{organization}/webhooks/{webhook}/deliveries/{delivery}/redeliver"
            ),
        );
        if let Some(key) = idempotency_key {
            builder = builder.header(IDEMPOTENCY_KEY, key);
        }
        Self::send(builder).await.map(|(value, _)| value)
    }
}

// Lending: the kit library and its loans.
impl Client {
    /// Adds an item to an organization's kit library.
    pub async fn create_item(
        &self,
        organization: Uuid,
        request: &CreateItemRequest,
        idempotency_key: Option<&str>,
    ) -> Result<KitItem> {
        self.post(
            &format!("/api/v1/organizations/{organization}/items"),
            request,
            idempotency_key,
        )
        .await
    }

    /// An organization's items.
    pub async fn items(&self, organization: Uuid) -> Result<ItemList> {
        self.get(&format!("/api/v1/organizations/{organization}/items"))
            .await
    }

    /// One item with its `ETag`.
    pub async fn item(&self, id: Uuid) -> Result<Versioned<KitItem>> {
        self.get_versioned(&format!("/api/v1/items/{id}")).await
    }

    /// Changes an item; `etag` must be its current version.
    pub async fn update_item(
        &self,
        id: Uuid,
        request: &UpdateItemRequest,
        etag: &str,
    ) -> Result<Versioned<KitItem>> {
        self.change(Method::PUT, &format!("/api/v1/items/{id}"), request, etag)
            .await
    }

    /// Searches the network's kit library.
    pub async fn catalog(&self, params: &CatalogParams) -> Result<CatalogPage> {
        let builder = self.request(Method::GET, "/api/v1/items").query(params);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// An item's busy times in a range.
    pub async fn item_calendar(&self, id: Uuid, params: &CalendarParams) -> Result<ItemCalendar> {
        let builder = self
            .request(Method::GET, &format!("/api/v1/items/{id}/calendar"))
            .query(params);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// An item's maintenance plans.
    pub async fn maintenance_plans(&self, item: Uuid) -> Result<MaintenancePlanList> {
        self.get(&format!("/api/v1/items/{item}/maintenance-plans"))
            .await
    }

    /// Adds a maintenance plan to an item.
    pub async fn create_maintenance_plan(
        &self,
        item: Uuid,
        request: &CreateMaintenancePlanRequest,
        idempotency_key: Option<&str>,
    ) -> Result<MaintenancePlanView> {
        self.post(
            &format!("/api/v1/items/{item}/maintenance-plans"),
            request,
            idempotency_key,
        )
        .await
    }

    /// Records a plan's work as done.
    pub async fn record_maintenance(
        &self,
        plan: Uuid,
        request: &RecordMaintenanceRequest,
        idempotency_key: Option<&str>,
    ) -> Result<MaintenancePlanView> {
        self.post(
            &format!("/api/v1/maintenance-plans/{plan}/records"),
            request,
            idempotency_key,
        )
        .await
    }

    /// Asks to borrow an item; the answer is the request as decided.
    pub async fn request_loan(
        &self,
        organization: Uuid,
        request: &CreateLoanRequest,
        idempotency_key: Option<&str>,
    ) -> Result<Loan> {
        self.post(
            &format!("/api/v1/organizations/{organization}/loans"),
            request,
            idempotency_key,
        )
        .await
    }

    /// An organization's loans, as borrower or as owner.
    pub async fn loans(&self, organization: Uuid, query: &LoanQuery) -> Result<LoanList> {
        let builder = self
            .request(
                Method::GET,
                &format!("/api/v1/organizations/{organization}/loans"),
            )
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// The owner's approval queue, ranked.
    pub async fn loan_queue(&self, organization: Uuid) -> Result<LoanList> {
        self.get(&format!("/api/v1/organizations/{organization}/loan-queue"))
            .await
    }

    /// One loan with its `ETag`.
    pub async fn loan(&self, id: Uuid) -> Result<Versioned<Loan>> {
        self.get_versioned(&format!("/api/v1/loans/{id}")).await
    }

    /// A loan's timeline.
    pub async fn loan_timeline(&self, id: Uuid) -> Result<Timeline> {
        self.get(&format!("/api/v1/loans/{id}/timeline")).await
    }

    /// Other items, free for a loan's window, that could serve its need.
    pub async fn loan_alternatives(&self, id: Uuid) -> Result<CatalogPage> {
        self.get(&format!("/api/v1/loans/{id}/alternatives")).await
    }

    /// Approves a waiting request (the owner).
    pub async fn approve_loan(&self, id: Uuid, etag: &str) -> Result<Versioned<Loan>> {
        let builder = self
            .request(Method::POST, &format!("/api/v1/loans/{id}/approve"))
            .header(header::IF_MATCH, etag);
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    /// Declines a waiting request (the owner).
    pub async fn decline_loan(
        &self,
        id: Uuid,
        request: &DeclineLoanRequest,
        etag: &str,
    ) -> Result<Versioned<Loan>> {
        self.change(
            Method::POST,
            &format!("/api/v1/loans/{id}/decline"),
            request,
            etag,
        )
        .await
    }

    /// Cancels a request or reservation.
    pub async fn cancel_loan(
        &self,
        id: Uuid,
        request: &CancelLoanRequest,
        etag: &str,
    ) -> Result<Versioned<Loan>> {
        self.change(
            Method::POST,
            &format!("/api/v1/loans/{id}/cancel"),
            request,
            etag,
        )
        .await
    }

    /// Checks a loan out, accepting the usage terms (the borrower).
    pub async fn checkout_loan(
        &self,
        id: Uuid,
        request: &CheckoutRequest,
        etag: &str,
    ) -> Result<Versioned<Loan>> {
        self.change(
            Method::POST,
            &format!("/api/v1/loans/{id}/checkout"),
            request,
            etag,
        )
        .await
    }

    /// Records a loan's return with the item's condition (the owner).
    pub async fn return_loan(
        &self,
        id: Uuid,
        request: &ReturnLoanRequest,
        etag: &str,
    ) -> Result<Versioned<Loan>> {
        self.change(
            Method::POST,
            &format!("/api/v1/loans/{id}/return"),
            request,
            etag,
        )
        .await
    }
}

/// Surplus supplies: offers on the network's board, requests for part of
/// them, the offerer's queue and fulfilment.
impl Client {
    /// Offers consumables to the network for `organization`.
    pub async fn create_supply_offer(
        &self,
        organization: Uuid,
        offer: &CreateSupplyOfferRequest,
        idempotency_key: Option<&str>,
    ) -> Result<SupplyOfferView> {
        let path = format!("/api/v1/organizations/{organization}/supply-offers");
        self.post(&path, offer, idempotency_key).await
    }

    /// An organization's own offers, whatever their state.
    pub async fn organization_supply_offers(&self, organization: Uuid) -> Result<SupplyOfferList> {
        self.get(&format!(
            "/api/v1/organizations/{organization}/supply-offers"
        ))
        .await
    }

    /// The supplies board: offers still available, filtered.
    pub async fn search_supply_offers(&self, query: &SupplyOfferQuery) -> Result<SupplyOfferPage> {
        let builder = self
            .request(Method::GET, "/api/v1/supply-offers")
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One offer, with its version.
    pub async fn supply_offer(&self, id: Uuid) -> Result<Versioned<SupplyOfferView>> {
        self.get_versioned(&format!("/api/v1/supply-offers/{id}"))
            .await
    }

    /// Changes an offer; `etag` must be its current version.
    pub async fn update_supply_offer(
        &self,
        id: Uuid,
        change: &UpdateSupplyOfferRequest,
        etag: &str,
    ) -> Result<Versioned<SupplyOfferView>> {
        self.change(
            Method::PUT,
            &format!("/api/v1/supply-offers/{id}"),
            change,
            etag,
        )
        .await
    }

    /// Takes an offer off the board; `etag` must be its current version.
    pub async fn withdraw_supply_offer(
        &self,
        id: Uuid,
        etag: &str,
    ) -> Result<Versioned<SupplyOfferView>> {
        let builder = self
            .request(
                Method::POST,
                &format!("/api/v1/supply-offers/{id}/withdrawal"),
            )
            .header(header::IF_MATCH, etag);
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    /// An offer's open requests in the order they are served (the offerer).
    pub async fn supply_queue(&self, offer: Uuid) -> Result<SupplyQueue> {
        self.get(&format!("/api/v1/supply-offers/{offer}/requests"))
            .await
    }

    /// Asks for part of an offer for `organization`.
    pub async fn create_supply_request(
        &self,
        organization: Uuid,
        request: &CreateSupplyRequestRequest,
        idempotency_key: Option<&str>,
    ) -> Result<SupplyRequestView> {
        let path = format!("/api/v1/organizations/{organization}/supply-requests");
        self.post(&path, request, idempotency_key).await
    }

    /// An organization's own requests for supplies.
    pub async fn supply_requests(
        &self,
        organization: Uuid,
        query: &SupplyRequestQuery,
    ) -> Result<SupplyRequestPage> {
        let builder = self
            .request(
                Method::GET,
                &format!("/api/v1/organizations/{organization}/supply-requests"),
            )
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One request for supplies, with its version.
    pub async fn supply_request(&self, id: Uuid) -> Result<Versioned<SupplyRequestView>> {
        self.get_versioned(&format!("/api/v1/supply-requests/{id}"))
            .await
    }

    /// Gives (part of) what a request asks for (the offerer); `etag` must be
    /// the request's current version.
    pub async fn fulfil_supply_request(
        &self,
        id: Uuid,
        fulfilment: &FulfilSupplyRequest,
        etag: &str,
    ) -> Result<Versioned<SupplyRequestView>> {
        self.change(
            Method::POST,
            &format!("/api/v1/supply-requests/{id}/fulfilments"),
            fulfilment,
            etag,
        )
        .await
    }

    /// Declines (the offerer) or withdraws (the requester) a request.
    pub async fn transition_supply_request(
        &self,
        id: Uuid,
        request: &SupplyTransitionRequest,
        etag: &str,
    ) -> Result<Versioned<SupplyRequestView>> {
        self.change(
            Method::POST,
            &format!("/api/v1/supply-requests/{id}/transitions"),
            request,
            etag,
        )
        .await
    }
}

// The knowledge library.
impl Client {
    /// Writes a new article (version 1).
    pub async fn create_article(
        &self,
        request: &CreateArticleRequest,
        idempotency_key: Option<&str>,
    ) -> Result<Article> {
        self.post("/api/v1/articles", request, idempotency_key)
            .await
    }

    /// Your volunteer profile, with its `ETag` (404 until you write one).
    pub async fn my_volunteer_profile(&self) -> Result<Versioned<VolunteerProfile>> {
        self.get_versioned("/api/v1/me/volunteer-profile").await
    }

    /// Writes your volunteer profile: `etag` `None` creates it, otherwise it
    /// must be its current version.
    pub async fn save_volunteer_profile(
        &self,
        request: &VolunteerProfileRequest,
        etag: Option<&str>,
    ) -> Result<Versioned<VolunteerProfile>> {
        let mut builder = self
            .request(Method::PUT, "/api/v1/me/volunteer-profile")
            .json(request);
        if let Some(etag) = etag {
            builder = builder.header(header::IF_MATCH, etag);
        }
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    /// An organization's volunteer roster.
    pub async fn volunteers(&self, organization: Uuid, query: &RosterQuery) -> Result<Roster> {
        let builder = self
            .request(
                Method::GET,
                &format!("/api/v1/organizations/{organization}/volunteers"),
            )
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Transports without a driver in your organizations.
    pub async fn unassigned_transports(&self) -> Result<TransportJobs> {
        self.get("/api/v1/transports/unassigned").await
    }

    /// Your drives and foster placements.
    pub async fn my_assignments(&self) -> Result<Assignments> {
        self.get("/api/v1/me/assignments").await
    }

    /// Takes a referral's transport leg as its driver.
    pub async fn accept_transport(&self, referral: Uuid) -> Result<Versioned<Referral>> {
        let builder = self.request(
            Method::POST,
            &format!("/api/v1/referrals/{referral}/transport/accept"),
        );
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    /// Gives back a drive.
    pub async fn decline_transport(
        &self,
        referral: Uuid,
        request: &DeclineDriveRequest,
    ) -> Result<Referral> {
        self.post(
            &format!("/api/v1/referrals/{referral}/transport/decline"),
            request,
            None,
        )
        .await
    }

    /// Offers an animal to a volunteer to foster.
    pub async fn create_placement(
        &self,
        organization: Uuid,
        request: &CreatePlacementRequest,
        idempotency_key: Option<&str>,
    ) -> Result<Placement> {
        self.post(
            &format!("/api/v1/organizations/{organization}/foster-placements"),
            request,
            idempotency_key,
        )
        .await
    }

    /// An organization's foster placements.
    pub async fn placements(&self, organization: Uuid) -> Result<Placements> {
        self.get(&format!(
            "/api/v1/organizations/{organization}/foster-placements"
        ))
        .await
    }

    /// One foster placement, with its `ETag`.
    pub async fn placement(&self, id: Uuid) -> Result<Versioned<Placement>> {
        self.get_versioned(&format!("/api/v1/foster-placements/{id}"))
            .await
    }

    /// Moves a foster placement; `etag` must be its current version.
    pub async fn transition_placement(
        &self,
        id: Uuid,
        request: &PlacementTransitionRequest,
        etag: &str,
    ) -> Result<Versioned<Placement>> {
        self.change(
            Method::POST,
            &format!("/api/v1/foster-placements/{id}/transitions"),
            request,
            etag,
        )
        .await
    }

    /// Searches the library.
    pub async fn search_articles(&self, query: &ArticleQuery) -> Result<ArticlePage> {
        let builder = self.request(Method::GET, "/api/v1/articles").query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One article, rendered, with its `ETag`.
    pub async fn article(&self, id: Uuid) -> Result<Versioned<Article>> {
        self.get_versioned(&format!("/api/v1/articles/{id}")).await
    }

    /// Writes the next version of an article; `etag` must be its current
    /// version.
    pub async fn update_article(
        &self,
        id: Uuid,
        request: &UpdateArticleRequest,
        etag: &str,
    ) -> Result<Versioned<Article>> {
        self.change(
            Method::PUT,
            &format!("/api/v1/articles/{id}"),
            request,
            etag,
        )
        .await
    }

    /// Archives an article; `etag` must be its current version.
    pub async fn archive_article(&self, id: Uuid, etag: &str) -> Result<()> {
        let builder = self
            .request(Method::DELETE, &format!("/api/v1/articles/{id}"))
            .header(header::IF_MATCH, etag);
        Self::send::<()>(builder).await.map(|_| ())
    }

    /// An article's history, newest first.
    pub async fn article_versions(&self, id: Uuid) -> Result<ArticleVersionList> {
        self.get(&format!("/api/v1/articles/{id}/versions")).await
    }

    /// One version of an article.
    pub async fn article_version(&self, id: Uuid, number: i64) -> Result<ArticleVersion> {
        self.get(&format!("/api/v1/articles/{id}/versions/{number}"))
            .await
    }

    /// Renders Markdown as an article body would show.
    pub async fn preview_article(&self, request: &PreviewRequest) -> Result<PreviewResponse> {
        self.post("/api/v1/articles/preview", request, None).await
    }
}

/// A CSV file the server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    /// Its `Content-Type`.
    pub content_type: String,
    /// The file name from its `Content-Disposition`.
    pub file_name: Option<String>,
    /// Its text.
    pub body: String,
}

impl Client {
    // The dashboard.

    /// The dashboard for a period and, optionally, one organization.
    pub async fn dashboard(&self, query: &DashboardQuery) -> Result<Dashboard> {
        let builder = self.request(Method::GET, "/api/v1/dashboard").query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One of the dashboard's tables as CSV.
    pub async fn dashboard_csv(&self, query: &DashboardCsvQuery) -> Result<CsvFile> {
        let response = self
            .request(Method::GET, "/api/v1/dashboard/csv")
            .query(query)
            .send()
            .await?;
        let status = response.status();
        let text_header = |name: header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = text_header(header::CONTENT_TYPE).unwrap_or_default();
        let file_name = text_header(header::CONTENT_DISPOSITION).and_then(|value| {
            value
                .split_once("filename=")
                .map(|(_, name)| name.trim_matches('"').to_owned())
        });
        let body = response.text().await?;
        if status.is_success() {
            Ok(CsvFile {
                content_type,
                file_name,
                body,
            })
        } else {
            Err(match serde_json::from_str::<Problem>(&body) {
                Ok(problem) => ClientError::Problem(problem),
                Err(_) => ClientError::UnexpectedAnswer {
                    status: status.as_u16(),
                    body,
                },
            })
        }
    }
}

// Specialists and consults.
impl Client {
    /// The caller's specialist profile, with its `ETag`.
    pub async fn my_specialist_profile(&self) -> Result<Versioned<SpecialistProfile>> {
        self.get_versioned("/api/v1/me/specialist-profile").await
    }

    /// Creates the caller's specialist profile (`etag` `None`) or replaces
    /// it (`etag` its current version).
    pub async fn put_my_specialist_profile(
        &self,
        request: &SpecialistProfileRequest,
        etag: Option<&str>,
    ) -> Result<Versioned<SpecialistProfile>> {
        let mut builder = self
            .request(Method::PUT, "/api/v1/me/specialist-profile")
            .json(request);
        if let Some(etag) = etag {
            builder = builder.header(header::IF_MATCH, etag);
        }
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }

    /// Finds specialists.
    pub async fn search_specialists(&self, query: &SpecialistQuery) -> Result<SpecialistPage> {
        let builder = self
            .request(Method::GET, "/api/v1/specialists")
            .query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One specialist's profile.
    pub async fn specialist(&self, user_id: Uuid) -> Result<SpecialistProfile> {
        self.get(&format!("/api/v1/specialists/{user_id}")).await
    }

    /// Asks a specialist for a consult on a referral.
    pub async fn request_consult(
        &self,
        referral: Uuid,
        request: &RequestConsultRequest,
        idempotency_key: Option<&str>,
    ) -> Result<Consult> {
        self.post(
            &format!("/api/v1/referrals/{referral}/consults"),
            request,
            idempotency_key,
        )
        .await
    }

    /// A referral's consults, oldest first.
    pub async fn referral_consults(&self, referral: Uuid) -> Result<ConsultList> {
        self.get(&format!("/api/v1/referrals/{referral}/consults"))
            .await
    }

    /// The consults asked of the caller, newest first.
    pub async fn my_consults(&self, query: &ConsultQuery) -> Result<ConsultList> {
        let builder = self.request(Method::GET, "/api/v1/consults").query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// One consult, with its `ETag`.
    pub async fn consult(&self, id: Uuid) -> Result<Versioned<Consult>> {
        self.get_versioned(&format!("/api/v1/consults/{id}")).await
    }

    /// Answers a consult; `etag` must be its current version.
    pub async fn answer_consult(
        &self,
        id: Uuid,
        request: &AnswerConsultRequest,
        etag: &str,
    ) -> Result<Versioned<Consult>> {
        self.change(
            Method::POST,
            &format!("/api/v1/consults/{id}/answer"),
            request,
            etag,
        )
        .await
    }

    /// Declines a consult; `etag` must be its current version.
    pub async fn decline_consult(
        &self,
        id: Uuid,
        request: &DeclineConsultRequest,
        etag: &str,
    ) -> Result<Versioned<Consult>> {
        self.change(
            Method::POST,
            &format!("/api/v1/consults/{id}/decline"),
            request,
            etag,
        )
        .await
    }

    /// Cancels a consult still waiting; `etag` must be its current version.
    pub async fn cancel_consult(&self, id: Uuid, etag: &str) -> Result<Versioned<Consult>> {
        let builder = self
            .request(Method::POST, &format!("/api/v1/consults/{id}/cancel"))
            .header(header::IF_MATCH, etag);
        let (value, etag) = Self::send(builder).await?;
        Ok(Versioned {
            value,
            etag: etag.unwrap_or_default(),
        })
    }
}

// Alerts, on-call rotas and accounts by e-mail.
impl Client {
    /// A page of the caller's inbox.
    pub async fn my_alerts(&self, query: &AlertQuery) -> Result<AlertPage> {
        let builder = self.request(Method::GET, "/api/v1/me/alerts").query(query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// The caller's unread and unacknowledged counts.
    pub async fn my_alert_summary(&self) -> Result<AlertSummary> {
        self.get("/api/v1/me/alerts/summary").await
    }

    /// Marks the caller's alerts read (`ids`, or all of them).
    pub async fn mark_alerts_read(&self, request: &MarkAlertsReadRequest) -> Result<MarkedRead> {
        let builder = self
            .request(Method::POST, "/api/v1/me/alerts/read")
            .json(request);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Acknowledges one of the caller's urgent alerts.
    pub async fn acknowledge_alert(&self, id: Uuid) -> Result<Acknowledgement> {
        let builder = self.request(Method::POST, &format!("/api/v1/me/alerts/{id}/acknowledge"));
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// What an e-mail's acknowledge link is about.
    pub async fn preview_alert_acknowledgement(&self, token: &str) -> Result<AlertByToken> {
        let query = AlertTokenQuery {
            token: token.to_owned(),
        };
        let builder = self
            .request(Method::GET, "/api/v1/alert-acknowledgements")
            .query(&query);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Acknowledges with an e-mail's single-use token, without signing in.
    pub async fn acknowledge_alert_by_token(&self, token: &str) -> Result<Acknowledgement> {
        let request = AcknowledgeByTokenRequest {
            token: token.to_owned(),
        };
        let builder = self
            .request(Method::POST, "/api/v1/alert-acknowledgements")
            .json(&request);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// Stops e-mails of one kind with an unsubscribe link's token.
    pub async fn unsubscribe_from_alert_emails(&self, token: &str) -> Result<Unsubscribed> {
        let request = UnsubscribeRequest {
            token: token.to_owned(),
        };
        let builder = self
            .request(Method::POST, "/api/v1/alert-unsubscriptions")
            .json(&request);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// The caller's alert preferences, with their `ETag`.
    pub async fn my_alert_preferences(&self) -> Result<Versioned<AlertPreferencesView>> {
        self.get_versioned("/api/v1/me/alert-preferences").await
    }

    /// Saves the caller's alert preferences; `etag` from the read.
    pub async fn save_my_alert_preferences(
        &self,
        preferences: &AlertPreferences,
        etag: &str,
    ) -> Result<Versioned<AlertPreferencesView>> {
        self.change(
            Method::PUT,
            "/api/v1/me/alert-preferences",
            preferences,
            etag,
        )
        .await
    }

    /// The caller's time on call in the next fortnight.
    pub async fn my_shifts(&self) -> Result<MyShifts> {
        self.get("/api/v1/me/shifts").await
    }

    /// The network's acknowledge times.
    pub async fn acknowledge_times(&self) -> Result<AcknowledgeTimesSetting> {
        self.get("/api/v1/acknowledge-times").await
    }

    /// Sets the network's acknowledge times (network admins).
    pub async fn set_acknowledge_times(
        &self,
        times: &AcknowledgeTimes,
    ) -> Result<AcknowledgeTimesSetting> {
        let builder = self
            .request(Method::PUT, "/api/v1/acknowledge-times")
            .json(times);
        Self::send(builder).await.map(|(value, _)| value)
    }

    /// A site's on-call rota, with its `ETag`.
    pub async fn on_call_rota(&self, site: Uuid) -> Result<Versioned<OnCallRota>> {
        self.get_versioned(&format!("/api/v1/sites/{site}/on-call"))
            .await
    }

    /// Replaces a site's on-call rota; `etag` from the read (`"0"` for the
    /// first).
    pub async fn save_on_call_rota(
        &self,
        site: Uuid,
        rota: &Rota,
        etag: &str,
    ) -> Result<Versioned<OnCallRota>> {
        self.change(
            Method::PUT,
            &format!("/api/v1/sites/{site}/on-call"),
            rota,
            etag,
        )
        .await
    }

    /// Asks for a password-reset link for `email`.
    pub async fn request_password_reset(
        &self,
        request: &PasswordResetRequest,
    ) -> Result<PasswordResetRequested> {
        self.post("/api/v1/auth/password-resets", request, None)
            .await
    }

    /// Sets a new password with a reset link's token.
    pub async fn reset_password(
        &self,
        request: &ResetPasswordRequest,
    ) -> Result<PasswordResetDone> {
        self.post("/api/v1/auth/password-resets/confirm", request, None)
            .await
    }

    /// Asks for a new link to confirm the caller's address.
    pub async fn request_email_confirmation(&self) -> Result<PasswordResetRequested> {
        self.post("/api/v1/me/email-confirmations", &(), None).await
    }

    /// Confirms an address with a confirmation link's token.
    pub async fn confirm_email(&self, request: &ConfirmEmailRequest) -> Result<EmailConfirmed> {
        self.post("/api/v1/email-confirmations", request, None)
            .await
    }
}
