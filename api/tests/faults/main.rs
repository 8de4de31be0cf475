//! Warren under faults, with the real `warren` binary as a child process:
//! killed with `kill -9` in the middle of a write load, its PostgreSQL
//! cut off and brought back, its SQLite disk full and then read-only, and
//! its database backed up and restored. Run just these with
//! `cargo test -p warren-api --test faults`; the disk test needs root
//! (it mounts a small file system).

mod backup;
mod disk;
mod harness;
mod kill;
mod postgres_down;
