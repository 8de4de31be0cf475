//! The HTTP server: the API, its document and docs, the SPA, the partner
//! embed, health and metrics, on one port.
//!
//! No response may be shown in another site's frame, except the embeddable
//! directory page ([`crate::embed`]), which says so in its own
//! `Content-Security-Policy`.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use actix_web_prom::PrometheusMetricsBuilder;
use anyhow::Context;
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
}

/// Builds the server on `listener` over `store`.
pub fn start(config: Config, store: Store, listener: TcpListener) -> anyhow::Result<Running> {
    let addr = listener.local_addr()?;
    let state = web::Data::new(AppState {
        tokens: TokenKeys::new(&config.tokens),
        login_limiter: LoginLimiter::new(config.login_attempts_per_minute),
        directory: crate::directory::DirectoryCache::load(&store)?,
        public_limiter: crate::routes::public::PublicLimiter::new(
            config.public_requests_per_minute,
            config.partner_requests_per_minute,
        ),
        public_url: config.public_url(&addr.to_string()),
        events: crate::events::Events::start(&store),
        store,
        config: config.clone(),
    });
    let metrics = PrometheusMetricsBuilder::new("warren")
        .endpoint("/metrics")
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|error| anyhow::anyhow!("metrics: {error}"))?;
    let web_dir = config.web_dir.clone();
    let document = web::Data::new(crate::openapi::document());
    crate::referrals::start_jobs(state.clone());
    crate::lending::start_jobs(state.clone());
    crate::webhooks::start(state.clone());
    let shrink_state = state.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            shrink_state.login_limiter.shrink();
            shrink_state.public_limiter.shrink();
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
                        ApiError::bad_request("invalid_query", error.to_string()).into()
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
            .wrap(from_fn(frame_policy))
            .wrap(metrics.clone())
            .wrap(TracingLogger::default())
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
            .service(spa(&web_dir))
    })
    .workers(config.workers.max(1))
    .shutdown_timeout(30)
    .listen(listener)
    .context("cannot listen")?
    .run();
    Ok(Running {
        addr,
        handle: server.handle(),
        server,
    })
}

/// Refuses framing for every response that does not state its own
/// `frame-ancestors`.
async fn frame_policy(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(request).await?;
    refuse_framing(response.headers_mut());
    Ok(response)
}

/// Adds `X-Frame-Options: DENY` and `frame-ancestors 'none'` unless a
/// `Content-Security-Policy` already names the allowed ancestors (only
/// `/embed/directory.html` does). A policy without `frame-ancestors` gets a
/// second one beside it; browsers enforce both.
fn refuse_framing(headers: &mut HeaderMap) {
    let states_ancestors = headers
        .get_all(header::CONTENT_SECURITY_POLICY)
        .filter_map(|policy| policy.to_str().ok())
        .any(|policy| policy.to_ascii_lowercase().contains("frame-ancestors"));
    if states_ancestors {
        return;
    }
    headers.append(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// The OpenAPI document as JSON.
async fn openapi_json(document: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(document.get_ref())
}

/// The SPA: static files, with `index.html` for every client-side route.
/// Unknown paths under `/api` stay 404 problems.
fn spa(web_dir: &Path) -> Files {
    let index = web_dir.join("index.html");
    Files::new("/", web_dir)
        .index_file("index.html")
        .default_handler(fn_service(move |request: ServiceRequest| {
            let index: PathBuf = index.clone();
            async move {
                let (request, _) = request.into_parts();
                if request.path().starts_with("/api/") || request.path() == "/api" {
                    let response = actix_web::ResponseError::error_response(&ApiError::NotFound);
                    return Ok(ServiceResponse::new(request, response));
                }
                let response = match NamedFile::open_async(&index).await {
                    Ok(file) => file.into_response(&request),
                    Err(_) => HttpResponse::ServiceUnavailable()
                        .content_type("text/plain; charset=utf-8")
                        .body("The Warren web app is not built. Run `cargo xtask web`, or set WARREN_WEB_DIR."),
                };
                Ok(ServiceResponse::new(request, response))
            }
        }))
}
