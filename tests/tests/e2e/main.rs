//! Warren end to end: every test drives a real server through the typed
//! client (or raw HTTP, for malformed input), on SQLite and on PostgreSQL.

mod access;
mod accounts;
mod alerts;
mod alerts_browser;
mod browser;
mod budgets;
mod contract;
mod dashboard;
mod dashboard_browser;
mod directory;
mod embed;
mod escaping_browser;
mod hsds;
mod lending;
mod lending_browser;
mod library;
mod library_browser;
mod plain_words_browser;
mod referrals;
mod referrals_browser;
mod report;
mod specialists;
mod specialists_browser;
mod storage;
mod supplies;
mod tokens;
mod triage;
mod triage_browser;
mod volunteers;
mod volunteers_browser;
mod webhooks;
