//! The black-box suite: the real service on port 0 with a fresh database (SQLite, or
//! PostgreSQL when TEST_DATABASE_URL is set) and a real SMTP conversation to an in-process sink.

mod support;

mod account_takeover;
mod authapi_accounts;
mod authapi_credentials;
mod authapi_export;
mod authapi_original_2fa;
mod authapi_original_answers;
mod authapi_reset_pages;
mod authapi_services;
mod authapi_session;
mod cli;
mod connections;
mod database_outage;
mod djoser_activation;
mod djoser_drf;
mod djoser_edges;
mod djoser_jwt;
mod djoser_register;
mod djoser_users;
mod json_errors;
mod jwks;
mod legacy_hashes;
mod lockout_per_account;
mod log_paths;
mod login_lockout;
mod mail_delivery;
mod mail_outbox;
mod mail_two_instances;
mod rate_limits;
mod redis_limits;
mod revocation;
mod routes;
mod security_headers;
mod sessions;
mod startup_settings;
mod timeouts;
mod tokens_forged;
mod two_factor_at_rest;
mod two_factor_authapi;
mod two_factor_djoser;
mod two_factor_log;
mod two_factor_login;
mod two_factor_lost_phone;
mod usernames_reserved;
