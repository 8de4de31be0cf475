//! Warren's security suite, generated from the OpenAPI document the server
//! publishes so that no route is missed: the access matrix (every route ×
//! every role × ownership), a fuzzer of every operation that checks answers
//! against their documented schemas, and abuse cases (rate limits, hostile
//! bodies, injections, security headers). Every test runs on SQLite and on
//! PostgreSQL.

mod abuse;
mod fuzz;
mod matrix;
mod schema;
mod world;
