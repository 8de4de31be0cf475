//! Warren's server: the JSON API under `/api/v1`, the OpenAPI document and
//! its interactive docs, the SPA, health checks and metrics — one binary,
//! one port.
//!
//! The binary (`warren`, see `main.rs`) is a thin CLI over this library; the
//! end-to-end tests start the same server in-process through
//! [`server::start`].

pub mod admin;
pub mod alerts;
pub mod api;
pub mod auth;
pub mod config;
pub mod directory;
pub mod edge;
pub mod embed;
pub mod error;
pub mod events;
pub mod extract;
pub mod files;
pub mod hsds;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod mailbox;
pub mod openapi;
pub mod routes;
pub mod server;
pub mod state;
pub mod views;
pub mod web_app;
