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

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode, header};
use serde::de::DeserializeOwned;
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

    /// Whether the server refused the access token (expired, or signed out elsewhere) rather
    /// than the request: a renewed token may succeed. Wrong credentials at sign-in are not.
    pub fn asks_for_new_token(&self) -> bool {
        self.status() == Some(401) && !self.is(ErrorCode::InvalidCredentials)
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
#[derive(Clone)]
enum Credentials {
    Anonymous,
    AccessToken(String),
    ApiKey(String),
    /// A signed-in person whose access token is renewed when the server refuses it.
    Session(Arc<dyn TokenSource>),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secrets themselves.
        f.write_str(match self {
            Self::Anonymous => "Anonymous",
            Self::AccessToken(_) => "AccessToken",
            Self::ApiKey(_) => "ApiKey",
            Self::Session(_) => "Session",
        })
    }
}

/// A future of an access token: `Send` natively, where calls may move between threads; not in
/// the browser, whose futures never are.
#[cfg(not(target_arch = "wasm32"))]
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String>> + Send + 'a>>;
/// A future of an access token: `Send` natively, where calls may move between threads; not in
/// the browser, whose futures never are.
#[cfg(target_arch = "wasm32")]
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String>> + 'a>>;

/// Where a signed-in client ([`Client::with_session`]) gets its access token, and a new one
/// when the server refuses the one it sent.
///
/// Every call of such a client sends [`TokenSource::current`]; when the server answers that the
/// token needs renewing ([`ClientError::asks_for_new_token`]) the client asks
/// [`TokenSource::renew`] once and sends the same request again, and if the renewed token is
/// refused too it tells [`TokenSource::ended`] and returns that refusal.
pub trait TokenSource: Send + Sync {
    /// The access token to send now, obtaining one first when there is none.
    fn current(&self) -> TokenFuture<'_>;
    /// A token newer than `refused`, which the server no longer accepts. Calls made at the same
    /// time are all refused together: the source renews once and hands each the same new token.
    fn renew(&self, refused: String) -> TokenFuture<'_>;
    /// The server refused a renewed token too (`refusal`): the sign-in is over.
    fn ended(&self, refusal: &ClientError);
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

    /// The same client, acting as a signed-in person whose tokens come from `tokens`, which
    /// renews them as the server asks (see [`TokenSource`]).
    pub fn with_session(&self, tokens: Arc<dyn TokenSource>) -> Self {
        Self {
            credentials: Credentials::Session(tokens),
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
    /// client's credentials; send it with [`Client::exchange`] so that a session's token is
    /// added (and renewed).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .http
            .request(method, format!("{}{}", self.base_url, path));
        match &self.credentials {
            Credentials::Anonymous | Credentials::Session(_) => builder,
            Credentials::AccessToken(token) => builder.bearer_auth(token),
            Credentials::ApiKey(secret) => builder.header(API_KEY_HEADER, secret),
        }
    }

    /// Sends a request made by [`Client::request`] and reads the whole answer, whatever its
    /// status. A session's access token is added here: when the server refuses it, it is
    /// renewed once and the request sent again (see [`TokenSource`]).
    ///
    /// One function for every call, so the browser app carries this once rather than once per
    /// answer type.
    pub async fn exchange(&self, builder: RequestBuilder) -> Result<Answer> {
        let Credentials::Session(tokens) = &self.credentials else {
            return Answer::read(builder.send().await?).await;
        };
        let request = builder.build()?;
        let token = tokens.current().await?;
        let answer = self.send_as(&request, &token).await?;
        if !answer
            .failure()
            .is_some_and(|refusal| refusal.asks_for_new_token())
        {
            return Ok(answer);
        }
        let token = tokens.renew(token).await?;
        let answer = self.send_as(&request, &token).await?;
        if let Some(refusal) = answer.failure()
            && refusal.asks_for_new_token()
        {
            tokens.ended(&refusal);
        }
        Ok(answer)
    }

    /// Sends a copy of `request` with `token`.
    async fn send_as(&self, request: &reqwest::Request, token: &str) -> Result<Answer> {
        let mut request = request.try_clone().ok_or_else(|| {
            ClientError::Transport("a request with a streaming body cannot be sent again".into())
        })?;
        let bearer = header::HeaderValue::try_from(format!("Bearer {token}"))
            .map_err(|_| ClientError::Transport("the access token is not a header value".into()))?;
        request.headers_mut().insert(header::AUTHORIZATION, bearer);
        Answer::read(self.http.execute(request).await?).await
    }

    /// Reads a file at `path` (under the server root), such as an attachment's content:
    /// its bytes and type, or the error a refusal stands for.
    pub async fn download(&self, path: &str) -> Result<Download> {
        let answer = self.exchange(self.request(Method::GET, path)).await?;
        if let Some(error) = answer.failure() {
            return Err(error);
        }
        let media_type = answer.header(header::CONTENT_TYPE).unwrap_or_default();
        let bytes = if answer.bytes.is_empty() {
            answer.body.into_bytes()
        } else {
            answer.bytes
        };
        Ok(Download { media_type, bytes })
    }

    /// An attachment's content.
    pub async fn attachment_content(&self, id: Uuid) -> Result<Download> {
        self.download(&format!("/api/v1/attachments/{id}/content"))
            .await
    }

    /// An image attachment's thumbnail (a JPEG).
    pub async fn attachment_thumbnail(&self, id: Uuid) -> Result<Download> {
        self.download(&format!("/api/v1/attachments/{id}/thumbnail"))
            .await
    }

    /// Attaches a file to the referral `referral` (and, with `message`, to a
    /// message of its case thread). Native only: the browser app sends its
    /// form itself, to show the upload's progress.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn attach_to_referral(
        &self,
        referral: Uuid,
        file: &FileUpload,
        message: Option<Uuid>,
        idempotency_key: Option<&str>,
    ) -> Result<Attachment> {
        let mut form = file.form();
        if let Some(message) = message {
            form = form.text("message_id", message.to_string());
        }
        let builder = self
            .request(
                Method::POST,
                &format!("/api/v1/referrals/{referral}/attachments"),
            )
            .multipart(form)
            .idempotency_key(idempotency_key);
        self.value(builder).await
    }

    /// Attaches a file to the consult `consult`. Native only, like
    /// [`Client::attach_to_referral`].
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn attach_to_consult(
        &self,
        consult: Uuid,
        file: &FileUpload,
        idempotency_key: Option<&str>,
    ) -> Result<Attachment> {
        let builder = self
            .request(
                Method::POST,
                &format!("/api/v1/consults/{consult}/attachments"),
            )
            .multipart(file.form())
            .idempotency_key(idempotency_key);
        self.value(builder).await
    }

    /// Sends `builder` and reads the answer as `T`.
    async fn value<T: DeserializeOwned>(&self, builder: RequestBuilder) -> Result<T> {
        self.exchange(builder).await?.json()
    }

    /// Sends `builder` and reads the answer as `T` with its version.
    async fn versioned<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
    ) -> Result<Versioned<T>> {
        let answer = self.exchange(builder).await?;
        let etag = answer.header(header::ETAG).unwrap_or_default();
        answer.json().map(|value| Versioned { value, etag })
    }
}

/// A file read from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// Its `Content-Type`.
    pub media_type: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// A file to attach: its name, content and caption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUpload {
    /// The name it had on the sender's machine.
    pub file_name: String,
    /// Its content.
    pub bytes: Vec<u8>,
    /// What it shows.
    pub caption: Option<String>,
}

#[cfg(not(target_arch = "wasm32"))]
impl FileUpload {
    /// The multipart form of this file.
    fn form(&self) -> reqwest::multipart::Form {
        let part = reqwest::multipart::Part::bytes(self.bytes.clone())
            .file_name(self.file_name.clone())
            .mime_str("application/octet-stream")
            .unwrap_or_else(|_| reqwest::multipart::Part::bytes(self.bytes.clone()));
        let form = reqwest::multipart::Form::new().part("file", part);
        match &self.caption {
            Some(caption) => form.text("caption", caption.clone()),
            None => form,
        }
    }
}

/// A whole answer: status, headers and body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, as text (JSON, problem details, text); empty for a file.
    pub body: String,
    /// The body of a file (any type that is not JSON or text); empty otherwise.
    pub bytes: Vec<u8>,
}

impl Answer {
    async fn read(response: reqwest::Response) -> Result<Self> {
        let status = response.status();
        let headers = response.headers().clone();
        let is_text = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_none_or(|value| value.contains("json") || value.starts_with("text/"));
        let (body, bytes) = if is_text {
            (response.text().await?, Vec::new())
        } else {
            (String::new(), response.bytes().await?.to_vec())
        };
        Ok(Self {
            status,
            headers,
            body,
            bytes,
        })
    }

    /// A header's value, when it is present and text.
    pub fn header(&self, name: header::HeaderName) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }

    /// The error this answer stands for, when it is not a success.
    pub fn failure(&self) -> Option<ClientError> {
        (!self.status.is_success()).then(|| failure(self.status, self.body.clone()))
    }

    /// The body read as `T`, or the error a non-success answer stands for. A `204` with no
    /// body reads as JSON `null`.
    #[allow(
        clippy::result_large_err,
        reason = "the error every call of the client returns, boxing it here alone gains nothing; \
                  smaller on wasm32, where the lint does not fire"
    )]
    pub fn json<T: DeserializeOwned>(self) -> Result<T> {
        if let Some(error) = self.failure() {
            return Err(error);
        }
        let body = if self.status == StatusCode::NO_CONTENT && self.body.is_empty() {
            "null"
        } else {
            &self.body
        };
        serde_json::from_str(body).map_err(|_| ClientError::UnexpectedAnswer {
            status: self.status.as_u16(),
            body: self.body.clone(),
        })
    }
}

/// The error for a non-success answer: its problem details, or the raw body
/// when it has none.
fn failure(status: StatusCode, body: String) -> ClientError {
    match serde_json::from_str::<Problem>(&body) {
        Ok(problem) => ClientError::Problem(problem),
        Err(_) => ClientError::UnexpectedAnswer {
            status: status.as_u16(),
            body,
        },
    }
}

/// The optional headers of Warren's contract, as steps on a request.
trait ContractHeaders {
    /// `If-Match: etag`, when there is one.
    fn if_match<'a>(self, etag: impl Into<Option<&'a str>>) -> Self;
    /// `Idempotency-Key: key`, when there is one.
    fn idempotency_key(self, key: Option<&str>) -> Self;
}

impl ContractHeaders for RequestBuilder {
    fn if_match<'a>(self, etag: impl Into<Option<&'a str>>) -> Self {
        match etag.into() {
            Some(etag) => self.header(header::IF_MATCH, etag),
            None => self,
        }
    }

    fn idempotency_key(self, key: Option<&str>) -> Self {
        match key {
            Some(key) => self.header(IDEMPOTENCY_KEY, key),
            None => self,
        }
    }
}

/// Writes one public method per endpoint of the table below.
///
/// An entry reads
/// `fn name(args) -> Answer = METHOD "path" .step(..) .step(..);`: the
/// path's `{placeholders}` name arguments, each step is a call on the
/// request (`query`, `json`, `body`, `header`, or [`ContractHeaders`]), and
/// an answer of `Versioned<T>` also keeps the `ETag`. Doc comments go on to
/// the method. Each `impl Client { .. }` group becomes one `impl` block.
macro_rules! endpoints {
    ($(
        $(#[$group_doc:meta])*
        impl Client {$(
            $(#[$doc:meta])*
            fn $name:ident($($arg:ident: $arg_ty:ty),* $(,)?) -> $answer:tt $(<$inner:ty>)?
                = $method:ident $path:literal $(.$step:ident($($step_arg:expr),*))*;
        )*}
    )*) => {$(
        $(#[$group_doc])*
        impl Client {$(
            $(#[$doc])*
            pub async fn $name(&self, $($arg: $arg_ty),*) -> Result<$answer $(<$inner>)?> {
                let builder = self.request(Method::$method, &format!($path))$(.$step($($step_arg),*))*;
                read_answer!(self, $answer, builder)
            }
        )*}
    )*};
}

/// Reads a `Versioned<T>` answer with its `ETag`, any other without.
macro_rules! read_answer {
    ($self:ident, Versioned, $builder:expr) => {
        $self.versioned($builder).await
    };
    ($self:ident, $plain:tt, $builder:expr) => {
        $self.value($builder).await
    };
}

endpoints! {
    impl Client {
        // Authentication.

        /// Signs in with an e-mail address and password.
        fn login(credentials: &LoginRequest) -> TokenResponse
            = POST "/api/v1/auth/login" .json(credentials);

        /// Exchanges a refresh token for a new pair (the old one stops working).
        fn refresh(refresh_token: &str) -> TokenResponse
            = POST "/api/v1/auth/refresh"
                .json(&RefreshRequest { refresh_token: refresh_token.to_owned() });

        /// Signs out: revokes the refresh token and its whole chain.
        fn logout(refresh_token: &str) -> ()
            = POST "/api/v1/auth/logout"
                .json(&RefreshRequest { refresh_token: refresh_token.to_owned() });

        // The caller.

        /// Who the caller is, with their organizations and roles.
        fn me() -> Versioned<Me> = GET "/api/v1/me";

        /// Changes the caller's own name or password.
        fn update_me(change: &UpdateMeRequest, etag: &str) -> Versioned<Me>
            = PATCH "/api/v1/me" .json(change) .if_match(etag);

        // Organizations.

        /// Applies to join the network with a new organization and its first user.
        fn apply(application: &ApplyRequest, idempotency_key: Option<&str>) -> Application
            = POST "/api/v1/organizations/applications"
                .json(application) .idempotency_key(idempotency_key);

        /// Lists the organizations the caller may see.
        fn organizations(query: &OrganizationQuery) -> OrganizationPage
            = GET "/api/v1/organizations" .query(query);

        /// The vetting queue, oldest application first, with who applied
        /// (network admins).
        fn pending_applications(query: &PendingApplicationQuery) -> PendingApplicationPage
            = GET "/api/v1/organizations/applications" .query(query);

        /// One organization, with its version.
        fn organization(id: Uuid) -> Versioned<Organization>
            = GET "/api/v1/organizations/{id}";

        /// Changes an organization's details.
        fn update_organization(
            id: Uuid,
            change: &UpdateOrganizationRequest,
            etag: &str,
        ) -> Versioned<Organization>
            = PATCH "/api/v1/organizations/{id}" .json(change) .if_match(etag);

        /// Vets, suspends or reinstates an organization (network admins).
        fn change_membership(
            id: Uuid,
            change: &MembershipChangeRequest,
            etag: &str,
        ) -> Versioned<Organization>
            = POST "/api/v1/organizations/{id}/membership" .json(change) .if_match(etag);

        /// The sites of an organization.
        fn sites(organization: Uuid) -> SiteList
            = GET "/api/v1/organizations/{organization}/sites";

        /// Adds a site to an organization.
        fn create_site(
            organization: Uuid,
            site: &SiteInput,
            idempotency_key: Option<&str>,
        ) -> Versioned<Site>
            = POST "/api/v1/organizations/{organization}/sites"
                .json(site) .idempotency_key(idempotency_key);

        // The directory.

        /// One site as members see it, with its version.
        fn site(id: Uuid) -> Versioned<Site> = GET "/api/v1/sites/{id}";

        /// Replaces a site's listing; `etag` must be its current version.
        fn update_site(id: Uuid, site: &SiteInput, etag: &str) -> Versioned<Site>
            = PUT "/api/v1/sites/{id}" .json(site) .if_match(etag);

        /// Declares a site's capacity.
        fn set_capacity(id: Uuid, capacity: &SetCapacityRequest) -> Versioned<Site>
            = PUT "/api/v1/sites/{id}/capacity" .json(capacity);

        /// Confirms a listing is accurate (network admins).
        fn assure_site(id: Uuid) -> Versioned<Site> = POST "/api/v1/sites/{id}/assurance";

        /// A listing's field-level change history, newest first.
        fn site_history(id: Uuid, query: &HistoryQuery) -> SiteHistory
            = GET "/api/v1/sites/{id}/history" .query(query);

        /// Searches the directory as a member of the network.
        fn search(params: &SearchParams) -> SearchPage
            = GET "/api/v1/directory/search" .query(params);

        /// The coordinator's audit queue, overdue listings first (network admins).
        fn audit_queue(query: &AuditQueueQuery) -> AuditQueuePage
            = GET "/api/v1/directory/audit-queue" .query(query);

        /// The capability and species vocabularies.
        fn taxonomy() -> TermList = GET "/api/v1/taxonomy/terms";

        /// Adds a term to a vocabulary (network admins).
        fn create_term(term: &CreateTermRequest) -> Term
            = POST "/api/v1/taxonomy/terms" .json(term);

        // Triage.

        /// The network's current triage protocol. No sign-in needed.
        fn triage_protocol() -> ProtocolVersion = GET "/api/v1/triage/protocol";

        /// Every published protocol version, newest first, with what changed.
        fn triage_protocol_versions() -> ProtocolVersionList
            = GET "/api/v1/triage/protocol/versions";

        /// One published protocol version.
        fn triage_protocol_version(version: u32) -> ProtocolVersion
            = GET "/api/v1/triage/protocol/versions/{version}";

        /// Publishes a new protocol version (network admins).
        fn publish_triage_protocol(request: &PublishProtocolRequest) -> ProtocolVersion
            = POST "/api/v1/triage/protocol/versions" .json(request);

        /// Assesses answers without recording anything. No sign-in needed.
        fn evaluate_triage(request: &EvaluateRequest) -> Assessment
            = POST "/api/v1/triage/evaluate" .json(request);

        /// Records an assessment for an organization, with recommended
        /// destinations.
        fn create_assessment(
            organization: Uuid,
            request: &CreateAssessmentRequest,
            idempotency_key: Option<&str>,
        ) -> AssessmentRecord
            = POST "/api/v1/organizations/{organization}/assessments"
                .json(request) .idempotency_key(idempotency_key);

        /// An organization's assessments, newest first.
        fn assessments(organization: Uuid, query: &AssessmentQuery) -> AssessmentPage
            = GET "/api/v1/organizations/{organization}/assessments" .query(query);

        /// One recorded assessment.
        fn assessment(id: Uuid) -> AssessmentRecord = GET "/api/v1/assessments/{id}";

        /// A site's triage variant (404 when it runs the network's protocol as is).
        fn site_triage_variant(site: Uuid) -> SiteTriageVariant
            = GET "/api/v1/sites/{site}/triage-variant";

        /// Adopts a variant for a site, replacing any earlier one.
        fn put_site_triage_variant(site: Uuid, variant: &Variant) -> SiteTriageVariant
            = PUT "/api/v1/sites/{site}/triage-variant" .json(variant);

        /// Drops a site's variant.
        fn delete_site_triage_variant(site: Uuid) -> ()
            = DELETE "/api/v1/sites/{site}/triage-variant";

        // Status links for owners and finders.

        /// Makes a status link; the answer carries its address, once.
        fn create_status_link(referral: Uuid, request: &StatusLinkRequest) -> StatusLink
            = POST "/api/v1/referrals/{referral}/status-links" .json(request);

        /// The status links of a referral's case.
        fn status_links(referral: Uuid) -> StatusLinkList
            = GET "/api/v1/referrals/{referral}/status-links";

        /// Revokes a status link.
        fn revoke_status_link(referral: Uuid, link: Uuid) -> ()
            = DELETE "/api/v1/referrals/{referral}/status-links/{link}";

        /// Shares an update with the owner or finder.
        fn post_status_update(referral: Uuid, request: &StatusUpdateRequest) -> StatusUpdate
            = POST "/api/v1/referrals/{referral}/status-updates" .json(request);

        /// The updates shared with the owner or finder.
        fn status_updates(referral: Uuid) -> StatusUpdateList
            = GET "/api/v1/referrals/{referral}/status-updates";

        /// What a status link shows (no account needed).
        fn case_status(request: &CaseStatusRequest) -> CaseStatus
            = POST "/api/v1/public/case-status" .json(request);

        // The patient record that travels with the animal.

        /// Starts the patient record of a referral's animal (the answer is
        /// the existing one when it has one).
        fn start_patient_record(referral: Uuid) -> Versioned<PatientRecord>
            = POST "/api/v1/referrals/{referral}/record";

        /// One patient record.
        fn patient_record(id: Uuid) -> Versioned<PatientRecord>
            = GET "/api/v1/patient-records/{id}";

        /// Changes the animal's details; `etag` must be the record's version.
        fn update_patient(id: Uuid, change: &UpdatePatientRequest, etag: &str)
            -> Versioned<PatientRecord>
            = PATCH "/api/v1/patient-records/{id}" .json(change) .if_match(etag);

        /// Adds an entry (a weight, problem, medication, observation, or
        /// what was seen after release).
        fn add_patient_entry(id: Uuid, request: &NewEntryRequest) -> Versioned<PatientRecord>
            = POST "/api/v1/patient-records/{id}/entries" .json(request);

        /// Marks a problem resolved.
        fn resolve_problem(id: Uuid, entry: Uuid) -> Versioned<PatientRecord>
            = POST "/api/v1/patient-records/{id}/entries/{entry}/resolve";

        /// Moves the animal to another care stage, or ends its care.
        fn change_care_stage(id: Uuid, request: &StageRequest) -> Versioned<PatientRecord>
            = POST "/api/v1/patient-records/{id}/stages" .json(request);

        /// Makes the rehabilitation plan.
        fn create_rehab_plan(id: Uuid, request: &PlanRequest) -> Versioned<PatientRecord>
            = POST "/api/v1/patient-records/{id}/plan" .json(request);

        /// Ticks a milestone or release criterion as met.
        fn meet_plan_item(id: Uuid, item: Uuid, request: &MeetRequest)
            -> Versioned<PatientRecord>
            = POST "/api/v1/patient-records/{id}/plan/items/{item}/met" .json(request);

        /// The animals an organization holds now, and those it released with
        /// a follow-up due.
        fn patients(organization: Uuid) -> PatientList
            = GET "/api/v1/organizations/{organization}/patients";

        // Files on a case.

        /// The files on a referral (and its messages and consults), oldest first.
        fn referral_attachments(referral: Uuid) -> AttachmentList
            = GET "/api/v1/referrals/{referral}/attachments";

        /// The files on a consult, oldest first.
        fn consult_attachments(consult: Uuid) -> AttachmentList
            = GET "/api/v1/consults/{consult}/attachments";

        /// One file's description.
        fn attachment(id: Uuid) -> Attachment = GET "/api/v1/attachments/{id}";

        /// Removes a file.
        fn remove_attachment(id: Uuid) -> () = DELETE "/api/v1/attachments/{id}";

        // Referrals.

        /// Sends a patient to one or more sites; the answer lists one referral
        /// per receiver.
        fn create_referral(
            organization: Uuid,
            request: &CreateReferralRequest,
            idempotency_key: Option<&str>,
        ) -> CreatedReferrals
            = POST "/api/v1/organizations/{organization}/referrals"
                .json(request) .idempotency_key(idempotency_key);

        /// An organization's referral board.
        fn referrals(organization: Uuid, query: &ReferralQuery) -> ReferralPage
            = GET "/api/v1/organizations/{organization}/referrals" .query(query);

        /// One referral with its `ETag`.
        fn referral(id: Uuid) -> Versioned<Referral> = GET "/api/v1/referrals/{id}";

        /// Moves a referral; `etag` must be its current version.
        fn transition_referral(
            id: Uuid,
            request: &TransitionRequest,
            etag: &str,
        ) -> Versioned<Referral>
            = POST "/api/v1/referrals/{id}/transitions" .json(request) .if_match(etag);

        /// Records a referral's outcome, completing it.
        fn record_referral_outcome(
            id: Uuid,
            request: &RecordOutcomeRequest,
            etag: &str,
        ) -> Versioned<Referral>
            = PUT "/api/v1/referrals/{id}/outcome" .json(request) .if_match(etag);

        /// Arranges or changes a referral's transport leg.
        fn arrange_transport(
            id: Uuid,
            request: &TransportRequest,
            etag: &str,
        ) -> Versioned<Referral>
            = PUT "/api/v1/referrals/{id}/transport" .json(request) .if_match(etag);

        /// Sets a referral's transport step.
        fn set_business_status(
            id: Uuid,
            request: &BusinessStatusRequest,
            etag: &str,
        ) -> Versioned<Referral>
            = PUT "/api/v1/referrals/{id}/business-status" .json(request) .if_match(etag);

        /// A referral's timeline.
        fn referral_timeline(id: Uuid) -> Timeline = GET "/api/v1/referrals/{id}/timeline";

        /// A referral's case thread.
        fn referral_messages(id: Uuid) -> CaseThread = GET "/api/v1/referrals/{id}/messages";

        /// Writes in a referral's case thread.
        fn post_referral_message(id: Uuid, request: &PostMessageRequest) -> CaseMessage
            = POST "/api/v1/referrals/{id}/messages" .json(request);

        /// The network's answer times.
        fn answer_times() -> AnswerTimesSetting = GET "/api/v1/referral-answer-times";

        /// Sets the network's answer times (network admins).
        fn set_answer_times(times: &AnswerTimes) -> AnswerTimesSetting
            = PUT "/api/v1/referral-answer-times" .json(times);

        /// Whether transport legs may be shared with the network's volunteers.
        fn transport_sharing() -> TransportSharingSetting = GET "/api/v1/transport-sharing";

        /// Turns the sharing of transport legs with the network on or off
        /// (network admins).
        fn set_transport_sharing(request: &TransportSharingRequest) -> TransportSharingSetting
            = PUT "/api/v1/transport-sharing" .json(request);

        /// How long closed cases keep the owner's or finder's contact.
        fn contact_retention() -> ContactRetentionSetting = GET "/api/v1/contact-retention";

        /// Sets how long closed cases keep the contact (network admins).
        fn set_contact_retention(request: &ContactRetentionRequest) -> ContactRetentionSetting
            = PUT "/api/v1/contact-retention" .json(request);

        /// Erases the owner's or finder's contact from a referral's case now
        /// (network admins).
        fn erase_referral_contact(referral: Uuid, request: &ContactErasureRequest) -> ContactErasure
            = POST "/api/v1/referrals/{referral}/contact-erasure" .json(request);

        /// Referral figures for a period.
        fn referral_metrics(query: &ReferralMetricsQuery) -> ReferralMetrics
            = GET "/api/v1/referral-metrics" .query(query);

        /// A ticket for the live event stream.
        fn stream_ticket() -> StreamTicket
            = POST "/api/v1/referral-events/tickets" .json(&());

        // The public directory: no sign-in needed.

        /// Searches the public directory.
        fn public_search(params: &SearchParams) -> SearchPage
            = GET "/api/v1/public/search" .query(params);

        /// The places a town or postcode may mean, best first (no sign-in).
        fn lookup_place(lookup: &PlaceLookup) -> PlaceList
            = GET "/api/v1/public/places" .query(lookup);

        /// Loads a GeoNames dump into the gazetteer (network admins); `format`
        /// `None` tells it from the first row.
        fn load_gazetteer(
            format: Option<GazetteerFormat>,
            dump: impl Into<reqwest::Body>,
        ) -> GazetteerLoadSummary
            = POST "/api/v1/places/imports"
                .query(&GazetteerLoadQuery { format })
                .header(header::CONTENT_TYPE, "text/tab-separated-values")
                .body(dump);

        /// The network's public report (suppressed counts are `None`).
        fn public_report(query: &ReportQuery) -> PublicReport
            = GET "/api/v1/public/report" .query(query);

        /// One site as the public sees it.
        fn public_site(id: Uuid) -> PublicSite = GET "/api/v1/public/sites/{id}";

        // Members and invitations.

        /// The members of an organization.
        fn members(organization: Uuid) -> MemberList
            = GET "/api/v1/organizations/{organization}/members";

        /// Changes a member's role.
        fn change_role(organization: Uuid, user: Uuid, change: &ChangeRoleRequest) -> Member
            = PATCH "/api/v1/organizations/{organization}/members/{user}" .json(change);

        /// Removes a member from an organization.
        fn remove_member(organization: Uuid, user: Uuid) -> ()
            = DELETE "/api/v1/organizations/{organization}/members/{user}";

        /// The invitations of an organization.
        fn invitations(organization: Uuid) -> InvitationList
            = GET "/api/v1/organizations/{organization}/invitations";

        /// Invites a person to an organization.
        fn invite(
            organization: Uuid,
            invitation: &CreateInvitationRequest,
            idempotency_key: Option<&str>,
        ) -> CreatedInvitation
            = POST "/api/v1/organizations/{organization}/invitations"
                .json(invitation) .idempotency_key(idempotency_key);

        /// Withdraws a pending invitation.
        fn revoke_invitation(organization: Uuid, invitation: Uuid) -> ()
            = DELETE "/api/v1/organizations/{organization}/invitations/{invitation}";

        /// What an invitation token offers.
        fn preview_invitation(token: &str) -> InvitationPreview
            = GET "/api/v1/invitations/preview"
                .query(&InvitationTokenQuery { token: token.to_owned() });

        /// Accepts an invitation, creating the account if needed.
        fn accept_invitation(acceptance: &AcceptInvitationRequest) -> AcceptedInvitation
            = POST "/api/v1/invitations/accept" .json(acceptance);

        // API keys.

        /// The API keys of an organization.
        fn api_keys(organization: Uuid) -> ApiKeyList
            = GET "/api/v1/organizations/{organization}/api-keys";

        /// Creates an API key; the answer holds its secret, shown only once.
        fn create_api_key(
            organization: Uuid,
            key: &CreateApiKeyRequest,
            idempotency_key: Option<&str>,
        ) -> CreatedApiKey
            = POST "/api/v1/organizations/{organization}/api-keys"
                .json(key) .idempotency_key(idempotency_key);

        /// Revokes an API key.
        fn revoke_api_key(organization: Uuid, key: Uuid) -> ()
            = DELETE "/api/v1/organizations/{organization}/api-keys/{key}";

        // Audit and health.

        /// A page of the audit log.
        fn audit_log(query: &AuditQuery) -> AuditPage = GET "/api/v1/audit-log" .query(query);

        /// Whether the server and its database are ready.
        fn ready() -> Health = GET "/readyz";
    }

    /// Webhooks: an organization's endpoints for referral events and their
    /// delivery log.
    impl Client {
        /// The webhook endpoints of an organization, newest first.
        fn webhooks(organization: Uuid) -> WebhookList
            = GET "/api/v1/organizations/{organization}/webhooks";

        /// Registers a webhook endpoint; the answer holds its signing secret,
        /// shown only once.
        fn create_webhook(
            organization: Uuid,
            webhook: &CreateWebhookRequest,
            idempotency_key: Option<&str>,
        ) -> CreatedWebhook
            = POST "/api/v1/organizations/{organization}/webhooks"
                .json(webhook) .idempotency_key(idempotency_key);

        /// Revokes a webhook endpoint.
        fn revoke_webhook(organization: Uuid, webhook: Uuid) -> ()
            = DELETE "/api/v1/organizations/{organization}/webhooks/{webhook}";

        /// A page of an endpoint's delivery log, newest first.
        fn webhook_deliveries(
            organization: Uuid,
            webhook: Uuid,
            query: &DeliveryQuery,
        ) -> DeliveryPage
            = GET "/api/v1/organizations/{organization}/webhooks/{webhook}/deliveries"
                .query(query);

        /// Sends a delivery's event again, as a new delivery.
        fn redeliver_webhook(
            organization: Uuid,
            webhook: Uuid,
            delivery: Uuid,
            idempotency_key: Option<&str>,
        ) -> WebhookDelivery
            = POST "/api/v1/organizations/{organization}/webhooks/{webhook}/deliveries/{delivery}/redeliver"
                .idempotency_key(idempotency_key);
    }

    impl Client {
        // Lending: the kit library and its loans.

        /// Adds an item to an organization's kit library.
        fn create_item(
            organization: Uuid,
            request: &CreateItemRequest,
            idempotency_key: Option<&str>,
        ) -> KitItem
            = POST "/api/v1/organizations/{organization}/items"
                .json(request) .idempotency_key(idempotency_key);

        /// An organization's items.
        fn items(organization: Uuid) -> ItemList
            = GET "/api/v1/organizations/{organization}/items";

        /// One item with its `ETag`.
        fn item(id: Uuid) -> Versioned<KitItem> = GET "/api/v1/items/{id}";

        /// Changes an item; `etag` must be its current version.
        fn update_item(id: Uuid, request: &UpdateItemRequest, etag: &str) -> Versioned<KitItem>
            = PUT "/api/v1/items/{id}" .json(request) .if_match(etag);

        /// Searches the network's kit library.
        fn catalog(params: &CatalogParams) -> CatalogPage = GET "/api/v1/items" .query(params);

        /// An item's busy times in a range.
        fn item_calendar(id: Uuid, params: &CalendarParams) -> ItemCalendar
            = GET "/api/v1/items/{id}/calendar" .query(params);

        /// An item's maintenance plans.
        fn maintenance_plans(item: Uuid) -> MaintenancePlanList
            = GET "/api/v1/items/{item}/maintenance-plans";

        /// Adds a maintenance plan to an item.
        fn create_maintenance_plan(
            item: Uuid,
            request: &CreateMaintenancePlanRequest,
            idempotency_key: Option<&str>,
        ) -> MaintenancePlanView
            = POST "/api/v1/items/{item}/maintenance-plans"
                .json(request) .idempotency_key(idempotency_key);

        /// Records a plan's work as done.
        fn record_maintenance(
            plan: Uuid,
            request: &RecordMaintenanceRequest,
            idempotency_key: Option<&str>,
        ) -> MaintenancePlanView
            = POST "/api/v1/maintenance-plans/{plan}/records"
                .json(request) .idempotency_key(idempotency_key);

        /// Asks to borrow an item; the answer is the request as decided.
        fn request_loan(
            organization: Uuid,
            request: &CreateLoanRequest,
            idempotency_key: Option<&str>,
        ) -> Loan
            = POST "/api/v1/organizations/{organization}/loans"
                .json(request) .idempotency_key(idempotency_key);

        /// An organization's loans, as borrower or as owner.
        fn loans(organization: Uuid, query: &LoanQuery) -> LoanList
            = GET "/api/v1/organizations/{organization}/loans" .query(query);

        /// The owner's approval queue, ranked.
        fn loan_queue(organization: Uuid) -> LoanList
            = GET "/api/v1/organizations/{organization}/loan-queue";

        /// One loan with its `ETag`.
        fn loan(id: Uuid) -> Versioned<Loan> = GET "/api/v1/loans/{id}";

        /// A loan's timeline.
        fn loan_timeline(id: Uuid) -> Timeline = GET "/api/v1/loans/{id}/timeline";

        /// Other items, free for a loan's window, that could serve its need.
        fn loan_alternatives(id: Uuid) -> CatalogPage = GET "/api/v1/loans/{id}/alternatives";

        /// Approves a waiting request (the owner).
        fn approve_loan(id: Uuid, etag: &str) -> Versioned<Loan>
            = POST "/api/v1/loans/{id}/approve" .if_match(etag);

        /// Declines a waiting request (the owner).
        fn decline_loan(id: Uuid, request: &DeclineLoanRequest, etag: &str) -> Versioned<Loan>
            = POST "/api/v1/loans/{id}/decline" .json(request) .if_match(etag);

        /// Cancels a request or reservation.
        fn cancel_loan(id: Uuid, request: &CancelLoanRequest, etag: &str) -> Versioned<Loan>
            = POST "/api/v1/loans/{id}/cancel" .json(request) .if_match(etag);

        /// Checks a loan out, accepting the usage terms (the borrower).
        fn checkout_loan(id: Uuid, request: &CheckoutRequest, etag: &str) -> Versioned<Loan>
            = POST "/api/v1/loans/{id}/checkout" .json(request) .if_match(etag);

        /// Records a loan's return with the item's condition (the owner).
        fn return_loan(id: Uuid, request: &ReturnLoanRequest, etag: &str) -> Versioned<Loan>
            = POST "/api/v1/loans/{id}/return" .json(request) .if_match(etag);
    }

    /// Surplus supplies: offers on the network's board, requests for part of
    /// them, the offerer's queue and fulfilment.
    impl Client {
        /// Offers consumables to the network for `organization`.
        fn create_supply_offer(
            organization: Uuid,
            offer: &CreateSupplyOfferRequest,
            idempotency_key: Option<&str>,
        ) -> SupplyOfferView
            = POST "/api/v1/organizations/{organization}/supply-offers"
                .json(offer) .idempotency_key(idempotency_key);

        /// An organization's own offers, whatever their state.
        fn organization_supply_offers(organization: Uuid) -> SupplyOfferList
            = GET "/api/v1/organizations/{organization}/supply-offers";

        /// The supplies board: offers still available, filtered.
        fn search_supply_offers(query: &SupplyOfferQuery) -> SupplyOfferPage
            = GET "/api/v1/supply-offers" .query(query);

        /// One offer, with its version.
        fn supply_offer(id: Uuid) -> Versioned<SupplyOfferView>
            = GET "/api/v1/supply-offers/{id}";

        /// Changes an offer; `etag` must be its current version.
        fn update_supply_offer(
            id: Uuid,
            change: &UpdateSupplyOfferRequest,
            etag: &str,
        ) -> Versioned<SupplyOfferView>
            = PUT "/api/v1/supply-offers/{id}" .json(change) .if_match(etag);

        /// Takes an offer off the board; `etag` must be its current version.
        fn withdraw_supply_offer(id: Uuid, etag: &str) -> Versioned<SupplyOfferView>
            = POST "/api/v1/supply-offers/{id}/withdrawal" .if_match(etag);

        /// An offer's open requests in the order they are served (the offerer).
        fn supply_queue(offer: Uuid) -> SupplyQueue
            = GET "/api/v1/supply-offers/{offer}/requests";

        /// Asks for part of an offer for `organization`.
        fn create_supply_request(
            organization: Uuid,
            request: &CreateSupplyRequestRequest,
            idempotency_key: Option<&str>,
        ) -> SupplyRequestView
            = POST "/api/v1/organizations/{organization}/supply-requests"
                .json(request) .idempotency_key(idempotency_key);

        /// An organization's own requests for supplies.
        fn supply_requests(organization: Uuid, query: &SupplyRequestQuery) -> SupplyRequestPage
            = GET "/api/v1/organizations/{organization}/supply-requests" .query(query);

        /// One request for supplies, with its version.
        fn supply_request(id: Uuid) -> Versioned<SupplyRequestView>
            = GET "/api/v1/supply-requests/{id}";

        /// Gives (part of) what a request asks for (the offerer); `etag` must be
        /// the request's current version.
        fn fulfil_supply_request(
            id: Uuid,
            fulfilment: &FulfilSupplyRequest,
            etag: &str,
        ) -> Versioned<SupplyRequestView>
            = POST "/api/v1/supply-requests/{id}/fulfilments" .json(fulfilment) .if_match(etag);

        /// Declines (the offerer) or withdraws (the requester) a request.
        fn transition_supply_request(
            id: Uuid,
            request: &SupplyTransitionRequest,
            etag: &str,
        ) -> Versioned<SupplyRequestView>
            = POST "/api/v1/supply-requests/{id}/transitions" .json(request) .if_match(etag);
    }

    impl Client {
        // The knowledge library, volunteers and foster placements.

        /// Writes a new article (version 1).
        fn create_article(
            request: &CreateArticleRequest,
            idempotency_key: Option<&str>,
        ) -> Article
            = POST "/api/v1/articles" .json(request) .idempotency_key(idempotency_key);

        /// Your volunteer profile, with its `ETag` (404 until you write one).
        fn my_volunteer_profile() -> Versioned<VolunteerProfile>
            = GET "/api/v1/me/volunteer-profile";

        /// Writes your volunteer profile: `etag` `None` creates it, otherwise it
        /// must be its current version.
        fn save_volunteer_profile(
            request: &VolunteerProfileRequest,
            etag: Option<&str>,
        ) -> Versioned<VolunteerProfile>
            = PUT "/api/v1/me/volunteer-profile" .json(request) .if_match(etag);

        /// An organization's volunteer roster.
        fn volunteers(organization: Uuid, query: &RosterQuery) -> Roster
            = GET "/api/v1/organizations/{organization}/volunteers" .query(query);

        /// Transports without a driver in your organizations.
        fn unassigned_transports() -> TransportJobs = GET "/api/v1/transports/unassigned";

        /// Your drives and foster placements.
        fn my_assignments() -> Assignments = GET "/api/v1/me/assignments";

        /// Takes a referral's transport leg as its driver.
        fn accept_transport(referral: Uuid) -> Versioned<Referral>
            = POST "/api/v1/referrals/{referral}/transport/accept";

        /// Gives back a drive.
        fn decline_transport(referral: Uuid, request: &DeclineDriveRequest) -> Referral
            = POST "/api/v1/referrals/{referral}/transport/decline" .json(request);

        /// Offers an animal to a volunteer to foster.
        fn create_placement(
            organization: Uuid,
            request: &CreatePlacementRequest,
            idempotency_key: Option<&str>,
        ) -> Placement
            = POST "/api/v1/organizations/{organization}/foster-placements"
                .json(request) .idempotency_key(idempotency_key);

        /// An organization's foster placements.
        fn placements(organization: Uuid) -> Placements
            = GET "/api/v1/organizations/{organization}/foster-placements";

        /// One foster placement, with its `ETag`.
        fn placement(id: Uuid) -> Versioned<Placement>
            = GET "/api/v1/foster-placements/{id}";

        /// Moves a foster placement; `etag` must be its current version.
        fn transition_placement(
            id: Uuid,
            request: &PlacementTransitionRequest,
            etag: &str,
        ) -> Versioned<Placement>
            = POST "/api/v1/foster-placements/{id}/transitions" .json(request) .if_match(etag);

        /// Searches the library.
        fn search_articles(query: &ArticleQuery) -> ArticlePage
            = GET "/api/v1/articles" .query(query);

        /// One article, rendered, with its `ETag`.
        fn article(id: Uuid) -> Versioned<Article> = GET "/api/v1/articles/{id}";

        /// Writes the next version of an article; `etag` must be its current
        /// version.
        fn update_article(
            id: Uuid,
            request: &UpdateArticleRequest,
            etag: &str,
        ) -> Versioned<Article>
            = PUT "/api/v1/articles/{id}" .json(request) .if_match(etag);

        /// Archives an article; `etag` must be its current version.
        fn archive_article(id: Uuid, etag: &str) -> ()
            = DELETE "/api/v1/articles/{id}" .if_match(etag);

        /// An article's history, newest first.
        fn article_versions(id: Uuid) -> ArticleVersionList
            = GET "/api/v1/articles/{id}/versions";

        /// One version of an article.
        fn article_version(id: Uuid, number: i64) -> ArticleVersion
            = GET "/api/v1/articles/{id}/versions/{number}";

        /// Renders Markdown as an article body would show.
        fn preview_article(request: &PreviewRequest) -> PreviewResponse
            = POST "/api/v1/articles/preview" .json(request);
    }

    impl Client {
        // The dashboard (its CSV export is below the table).

        /// The dashboard for a period and, optionally, one organization.
        fn dashboard(query: &DashboardQuery) -> Dashboard
            = GET "/api/v1/dashboard" .query(query);
    }

    impl Client {
        // Specialists and consults.

        /// The caller's specialist profile, with its `ETag`.
        fn my_specialist_profile() -> Versioned<SpecialistProfile>
            = GET "/api/v1/me/specialist-profile";

        /// Creates the caller's specialist profile (`etag` `None`) or replaces
        /// it (`etag` its current version).
        fn put_my_specialist_profile(
            request: &SpecialistProfileRequest,
            etag: Option<&str>,
        ) -> Versioned<SpecialistProfile>
            = PUT "/api/v1/me/specialist-profile" .json(request) .if_match(etag);

        /// Finds specialists.
        fn search_specialists(query: &SpecialistQuery) -> SpecialistPage
            = GET "/api/v1/specialists" .query(query);

        /// One specialist's profile.
        fn specialist(user_id: Uuid) -> SpecialistProfile
            = GET "/api/v1/specialists/{user_id}";

        /// Asks a specialist for a consult on a referral.
        fn request_consult(
            referral: Uuid,
            request: &RequestConsultRequest,
            idempotency_key: Option<&str>,
        ) -> Consult
            = POST "/api/v1/referrals/{referral}/consults"
                .json(request) .idempotency_key(idempotency_key);

        /// A referral's consults, oldest first.
        fn referral_consults(referral: Uuid) -> ConsultList
            = GET "/api/v1/referrals/{referral}/consults";

        /// The consults asked of the caller, newest first.
        fn my_consults(query: &ConsultQuery) -> ConsultList
            = GET "/api/v1/consults" .query(query);

        /// One consult, with its `ETag`.
        fn consult(id: Uuid) -> Versioned<Consult> = GET "/api/v1/consults/{id}";

        /// Answers a consult; `etag` must be its current version.
        fn answer_consult(
            id: Uuid,
            request: &AnswerConsultRequest,
            etag: &str,
        ) -> Versioned<Consult>
            = POST "/api/v1/consults/{id}/answer" .json(request) .if_match(etag);

        /// Declines a consult; `etag` must be its current version.
        fn decline_consult(
            id: Uuid,
            request: &DeclineConsultRequest,
            etag: &str,
        ) -> Versioned<Consult>
            = POST "/api/v1/consults/{id}/decline" .json(request) .if_match(etag);

        /// Cancels a consult still waiting; `etag` must be its current version.
        fn cancel_consult(id: Uuid, etag: &str) -> Versioned<Consult>
            = POST "/api/v1/consults/{id}/cancel" .if_match(etag);
    }

    impl Client {
        // Alerts, on-call rotas and accounts by e-mail.

        /// A page of the caller's inbox.
        fn my_alerts(query: &AlertQuery) -> AlertPage = GET "/api/v1/me/alerts" .query(query);

        /// The caller's unread and unacknowledged counts.
        fn my_alert_summary() -> AlertSummary = GET "/api/v1/me/alerts/summary";

        /// Marks the caller's alerts read (`ids`, or all of them).
        fn mark_alerts_read(request: &MarkAlertsReadRequest) -> MarkedRead
            = POST "/api/v1/me/alerts/read" .json(request);

        /// Acknowledges one of the caller's urgent alerts.
        fn acknowledge_alert(id: Uuid) -> Acknowledgement
            = POST "/api/v1/me/alerts/{id}/acknowledge";

        /// What an e-mail's acknowledge link is about.
        fn preview_alert_acknowledgement(token: &str) -> AlertByToken
            = GET "/api/v1/alert-acknowledgements"
                .query(&AlertTokenQuery { token: token.to_owned() });

        /// Acknowledges with an e-mail's single-use token, without signing in.
        fn acknowledge_alert_by_token(token: &str) -> Acknowledgement
            = POST "/api/v1/alert-acknowledgements"
                .json(&AcknowledgeByTokenRequest { token: token.to_owned() });

        /// Stops e-mails of one kind with an unsubscribe link's token.
        fn unsubscribe_from_alert_emails(token: &str) -> Unsubscribed
            = POST "/api/v1/alert-unsubscriptions"
                .json(&UnsubscribeRequest { token: token.to_owned() });

        /// The caller's alert preferences, with their `ETag`.
        fn my_alert_preferences() -> Versioned<AlertPreferencesView>
            = GET "/api/v1/me/alert-preferences";

        /// Saves the caller's alert preferences; `etag` from the read.
        fn save_my_alert_preferences(
            preferences: &AlertPreferences,
            etag: &str,
        ) -> Versioned<AlertPreferencesView>
            = PUT "/api/v1/me/alert-preferences" .json(preferences) .if_match(etag);

        /// The caller's time on call in the next fortnight.
        fn my_shifts() -> MyShifts = GET "/api/v1/me/shifts";

        /// The network's acknowledge times.
        fn acknowledge_times() -> AcknowledgeTimesSetting = GET "/api/v1/acknowledge-times";

        /// Sets the network's acknowledge times (network admins).
        fn set_acknowledge_times(times: &AcknowledgeTimes) -> AcknowledgeTimesSetting
            = PUT "/api/v1/acknowledge-times" .json(times);

        /// A site's on-call rota, with its `ETag`.
        fn on_call_rota(site: Uuid) -> Versioned<OnCallRota> = GET "/api/v1/sites/{site}/on-call";

        /// Replaces a site's on-call rota; `etag` from the read (`"0"` for the
        /// first).
        fn save_on_call_rota(site: Uuid, rota: &Rota, etag: &str) -> Versioned<OnCallRota>
            = PUT "/api/v1/sites/{site}/on-call" .json(rota) .if_match(etag);

        /// Asks for a password-reset link for `email`.
        fn request_password_reset(request: &PasswordResetRequest) -> PasswordResetRequested
            = POST "/api/v1/auth/password-resets" .json(request);

        /// Sets a new password with a reset link's token.
        fn reset_password(request: &ResetPasswordRequest) -> PasswordResetDone
            = POST "/api/v1/auth/password-resets/confirm" .json(request);

        /// Asks for a new link to confirm the caller's address.
        fn request_email_confirmation() -> PasswordResetRequested
            = POST "/api/v1/me/email-confirmations" .json(&());

        /// Confirms an address with a confirmation link's token.
        fn confirm_email(request: &ConfirmEmailRequest) -> EmailConfirmed
            = POST "/api/v1/email-confirmations" .json(request);
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

// The calls whose answer is not JSON.
impl Client {
    /// The address of the live event stream for `ticket` (for `EventSource`).
    pub fn event_stream_url(&self, ticket: &str) -> String {
        let base = format!("{}/api/v1/referral-events", self.base_url);
        reqwest::Url::parse_with_params(&base, [("ticket", ticket)])
            .map_or(base, |url| url.to_string())
    }

    /// One of the dashboard's tables as CSV.
    pub async fn dashboard_csv(&self, query: &DashboardCsvQuery) -> Result<CsvFile> {
        let answer = self
            .exchange(
                self.request(Method::GET, "/api/v1/dashboard/csv")
                    .query(query),
            )
            .await?;
        if let Some(error) = answer.failure() {
            return Err(error);
        }
        let content_type = answer.header(header::CONTENT_TYPE).unwrap_or_default();
        let file_name = answer
            .header(header::CONTENT_DISPOSITION)
            .and_then(|value| {
                value
                    .split_once("filename=")
                    .map(|(_, name)| name.trim_matches('"').to_owned())
            });
        Ok(CsvFile {
            content_type,
            file_name,
            body: answer.body,
        })
    }
}
