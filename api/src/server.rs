//! The HTTP server: the API, its document and docs, the SPA, the partner
//! embed, health and metrics, on one port.
//!
//! Every response carries a `Content-Security-Policy`: the app's pages run
//! only Warren's own scripts and WebAssembly, API answers run nothing, and no
//! response may be shown in another site's frame, except the embed's pages
//! ([`crate::embed`]), which state their own policy.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use actix_web_prom::PrometheusMetricsBuilder;
use anyhow::Context;
use std::net::{SocketAddr, TcpListener};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;
use warren_store::{Store, StoreOptions};

use crate::auth::{LoginLimiter, TokenKeys};
use crate::config::Config;
use crate::error::{ApiError, normalize};
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::AppState;
use warren_wire::ErrorCode;

/// Opens the database named by the configuration (and migrates it).
pub fn open_store(config: &Config) -> anyhow::Result<Store> {
    Store::open(&StoreOptions {
        url: config.database_url.clone(),
        pool_size: config.pool_size,
        pool_timeout: config.pool_timeout,
    })
    .map_err(|error| anyhow::anyhow!("{error}"))
}

/// A started server: where it listens and how to stop it.
pub struct Running {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    /// Stops the server (gracefully with `stop(true)`).
    pub handle: actix_web::dev::ServerHandle,
    /// Resolves when the server has stopped.
    pub server: actix_web::dev::Server,
    /// The background rounds: stop them once the server has stopped.
    pub jobs: crate::jobs::Jobs,
    /// Where e-mail goes, in words.
    pub mail_destination: String,
    /// Where the files attached to cases are kept.
    pub files: crate::files::Files,
    /// Whether the demo mailbox page is served (`/demo/mailbox`).
    pub demo_mailbox: bool,
}

/// Builds the server on `listener` over `store`.
pub fn start(config: Config, store: Store, listener: TcpListener) -> anyhow::Result<Running> {
    let addr = listener.local_addr()?;
    let public_url = config.public_url(&addr.to_string());
    let tokens = TokenKeys::new(&config.tokens);
    let email = crate::mail::Email::new(&config.mail, &public_url)?;
    let mailbox = email.mailbox().map(std::path::Path::to_path_buf);
    let mail_destination = crate::mail::Channel::describe(&email);
    let registry = prometheus::Registry::new();
    let alert_metrics = crate::events::AlertMetrics::register(&registry)?;
    let state = web::Data::new(AppState {
        alert_metrics: alert_metrics.clone(),
        alerting: std::sync::Arc::new(crate::alerts::Alerting::new(&public_url, tokens.clone())),
        mail_destination,
        mailbox,
        tokens,
        login_limiter: LoginLimiter::new(
            &store,
            &["sign_in.client", "sign_in.account"],
            config.login_attempts_per_minute,
        ),
        reset_limiter: LoginLimiter::hourly_per_account(
            &store,
            &["reset.client", "reset.account"],
            config.login_attempts_per_minute,
            crate::routes::recovery::RESETS_PER_HOUR,
        ),
        application_limiter: LoginLimiter::hourly_per_account(
            &store,
            &["apply.client", "apply.account"],
            config.applications_per_hour,
            config.applications_per_hour,
        ),
        directory: crate::directory::DirectoryCache::load(&store)?,
        public_limiter: crate::routes::public::PublicLimiter::new(
            &store,
            config.public_requests_per_minute,
            config.partner_requests_per_minute,
        ),
        public_url,
        events: crate::events::Events::start(&store).with_metrics(alert_metrics.clone()),
        store,
        config: config.clone(),
        jobs: crate::jobs::Jobs::default(),
        files: crate::files::Files::open(&config.files)?,
    });
    let metrics_listener = match &config.metrics.addr {
        Some(address) => Some(
            TcpListener::bind(address)
                .with_context(|| format!("cannot listen for /metrics on {address}"))?,
        ),
        None => None,
    };
    let exposure = web::Data::new(MetricsExposure {
        registry: registry.clone(),
        token_digest: config.metrics.token.as_deref().map(crate::auth::digest),
        own_addr: match &metrics_listener {
            Some(listener) => Some(listener.local_addr()?),
            None => None,
        },
    });
    let metrics = PrometheusMetricsBuilder::new("warren")
        .registry(registry)
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|error| anyhow::anyhow!("metrics: {error}"))?;
    let web_app = web::Data::new(crate::web_app::WebApp::new(config.web_dir.clone()));
    let demo_mailbox_folder = state.mailbox.clone().filter(|_| config.demo);
    let demo_mailbox = demo_mailbox_folder.is_some();
    let mail_destination = state.mail_destination.clone();
    let jobs = state.jobs.clone();
    let document = web::Data::new(crate::openapi::document());
    let api_routes = web::Data::new(crate::web_app::ApiRoutes::from_document(&document));
    crate::routes::referrals::escalation::start_jobs(state.clone());
    crate::routes::referrals::privacy::start_jobs(state.clone());
    crate::routes::lending::overdue::start_jobs(state.clone());
    crate::routes::webhooks::delivery::start(state.clone());
    crate::alerts::jobs::start(state.clone());
    crate::mail::start(state.clone(), std::sync::Arc::new(email));
    crate::routes::attachments::start_sweep(state.clone());
    let files = state.files.clone();
    let limits_state = state.clone();
    state
        .jobs
        .every(std::time::Duration::from_secs(1), move || {
            let state = limits_state.clone();
            async move { state.public_limiter.exchange().await }
        });
    let shrink_state = state.clone();
    state
        .jobs
        .every(std::time::Duration::from_secs(60), move || {
            let state = shrink_state.clone();
            async move {
                state.login_limiter.shrink().await;
                state.reset_limiter.shrink().await;
                state.application_limiter.shrink().await;
                let store = state.store.clone();
                match web::block(move || crate::limits::sweep(&store)).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => tracing::warn!(%error, "sweeping rate-limit windows failed"),
                    Err(error) => tracing::warn!(%error, "sweeping rate-limit windows failed"),
                }
            }
        });
    let server = HttpServer::new(move || {
        let document = document.clone();
        let (app, _) = App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .map(|app| {
                // Before the API scope, which would otherwise answer 404 for it.
                app.app_data(document.clone())
                    .route("/api/v1/openapi.json", web::get().to(openapi_json))
                    .app_data(state.clone())
                    .app_data(web::QueryConfig::default().error_handler(|error, _| {
                        ApiError::bad_request(ErrorCode::InvalidQuery, error.to_string()).into()
                    }))
                    .app_data(
                        web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()),
                    )
            })
            .configure(routes::api)
            .split_for_parts();
        app.wrap(ErrorHandlers::new().default_handler(normalize))
            .wrap_fn(|request, service| {
                let request_id = request
                    .extensions()
                    .get::<RequestId>()
                    .map(ToString::to_string);
                let response = service.call(request);
                async move {
                    let mut response = response.await?;
                    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                        response
                            .headers_mut()
                            .insert(HeaderName::from_static("x-request-id"), id);
                    }
                    Ok(response)
                }
            })
            .wrap(
                DefaultHeaders::new()
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin")),
            )
            .wrap(from_fn(security_policy))
            .wrap(from_fn(private_by_default))
            .wrap(from_fn(refuse_nul_in_query))
            .wrap(metrics.clone())
            .wrap(from_fn(only_metrics_on_their_port))
            .wrap(TracingLogger::default())
            .app_data(exposure.clone())
            .route("/metrics", web::get().to(metrics_endpoint))
            .service(
                SwaggerUi::new("/api/docs/{_:.*}")
                    .url("/api/v1/openapi.json", document.get_ref().clone()),
            )
            .route(
                "/api/docs",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header((header::LOCATION, "/api/docs/"))
                        .finish()
                }),
            )
            .configure(crate::embed::routes)
            .configure(|config| {
                if let Some(folder) = demo_mailbox_folder.clone() {
                    crate::mailbox::routes(config, folder);
                }
            })
            .app_data(web_app.clone())
            .app_data(api_routes.clone())
            .default_service(web::to(crate::web_app::serve))
    })
    .workers(config.workers.max(1))
    // Handlers run their database work on each worker's blocking threads;
    // beyond the pool's connections more threads only wait for one, each
    // with a stack and allocator caches of its own. A few spare threads
    // keep requests that touch no connection moving.
    .worker_max_blocking_threads(config.pool_size as usize + 2)
    .shutdown_timeout(30)
    .listen(listener)
    .context("cannot listen")?;
    let server = match metrics_listener {
        Some(listener) => server
            .listen(listener)
            .context("cannot listen for /metrics")?,
        None => server,
    }
    .run();
    Ok(Running {
        addr,
        handle: server.handle(),
        server,
        jobs,
        mail_destination,
        files,
        demo_mailbox,
    })
}

/// Who may read `/metrics` (see `config::MetricsSettings`).
struct MetricsExposure {
    registry: prometheus::Registry,
    /// The SHA-256 of the bearer token, when one is configured.
    token_digest: Option<String>,
    /// The separate address serving only `/metrics`, when one is configured.
    own_addr: Option<std::net::SocketAddr>,
}

impl MetricsExposure {
    fn on_own_port(&self, request: &actix_web::HttpRequest) -> bool {
        self.own_addr == Some(request.app_config().local_addr())
    }
}

/// Prometheus's counters. With a token configured, only to
/// `Authorization: Bearer <token>` (401 otherwise); without one, only on the
/// separate metrics address — on the app's port it is not found.
async fn metrics_endpoint(
    request: actix_web::HttpRequest,
    exposure: web::Data<MetricsExposure>,
) -> Result<HttpResponse, ApiError> {
    match &exposure.token_digest {
        Some(expected) => {
            let given = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "))
                .map(|token| crate::auth::digest(token.trim()));
            if given.as_ref() != Some(expected) {
                return Err(ApiError::Unauthorized {
                    code: ErrorCode::Unauthorized,
                    detail: "/metrics needs the metrics token as a bearer token.".into(),
                });
            }
        }
        None if exposure.on_own_port(&request) => {}
        None => return Err(ApiError::NotFound),
    }
    let encoder = prometheus::TextEncoder::new();
    let text = encoder
        .encode_to_string(&exposure.registry.gather())
        .map_err(|error| ApiError::Internal(format!("metrics: {error}")))?;
    Ok(HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .body(text))
}

/// The separate metrics address serves `/metrics` and nothing else.
async fn only_metrics_on_their_port(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let own_port = request
        .app_data::<web::Data<MetricsExposure>>()
        .is_some_and(|exposure| exposure.on_own_port(request.request()));
    if own_port && request.path() != "/metrics" {
        let response = actix_web::ResponseError::error_response(&ApiError::NotFound);
        return Ok(request.into_response(response).map_into_right_body());
    }
    Ok(next.call(request).await?.map_into_left_body())
}

/// Refuses a query string holding an encoded NUL character (`%00`), which no
/// text Warren keeps or searches may contain: 400, before any handler runs.
async fn refuse_nul_in_query(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if request.query_string().to_ascii_lowercase().contains("%00") {
        let error = ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "The query must not contain the NUL character (%00).",
        );
        let response = actix_web::ResponseError::error_response(&error);
        return Ok(request.into_response(response).map_into_right_body());
    }
    Ok(next.call(request).await?.map_into_left_body())
}

/// Marks `Cache-Control: no-store` on every answer that states no caching
/// of its own and is someone's: to a request with credentials (a bearer
/// token or an API key), and from the sign-in routes, which hand out
/// tokens. Secrets shown once (API keys, webhook secrets, invitation links)
/// and every member's data so never rest in a browser's or proxy's cache;
/// public answers keep their own caching.
async fn private_by_default(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let headers = request.headers();
    let private = headers.contains_key(header::AUTHORIZATION)
        || headers.contains_key("x-api-key")
        || request.path().starts_with("/api/v1/auth/");
    let mut response = next.call(request).await?;
    if private && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// The policy of the app's pages: Warren's own scripts, WebAssembly and
/// styles (Leptos sets `style` attributes), requests to Warren only, and no
/// framing.
pub const APP_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
     media-src 'self' blob:; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy of everything else the server answers (JSON, problems, files):
/// nothing in it may run, and nothing may frame it.
pub const DATA_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Gives every response that states no `Content-Security-Policy` of its own
/// the app's policy (HTML pages) or the data policy (everything else), and
/// refuses framing. The API docs keep the framing rule only: Swagger UI
/// carries its own scripts and styles.
async fn security_policy(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = request.path().starts_with("/api/docs");
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) && !docs {
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|kind| kind.to_str().ok())
            .is_some_and(|kind| kind.starts_with("text/html"));
        let policy = if html { APP_POLICY } else { DATA_POLICY };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    refuse_framing(headers);
    Ok(response)
}

/// Adds `X-Frame-Options: DENY` and `frame-ancestors 'none'` unless a
/// `Content-Security-Policy` already names the allowed ancestors (the embed's
/// pages and every policy set above). A policy without `frame-ancestors` gets
/// a second one beside it; browsers enforce both.
fn refuse_framing(headers: &mut HeaderMap) {
    let policies: Vec<String> = headers
        .get_all(header::CONTENT_SECURITY_POLICY)
        .filter_map(|policy| policy.to_str().ok())
        .map(str::to_ascii_lowercase)
        .collect();
    let framed_by_anyone = policies
        .iter()
        .any(|policy| policy.contains("frame-ancestors *"));
    if framed_by_anyone {
        return;
    }
    if !policies
        .iter()
        .any(|policy| policy.contains("frame-ancestors"))
    {
        headers.append(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// The OpenAPI document as JSON.
async fn openapi_json(document: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(document.get_ref())
}
