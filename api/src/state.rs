//! The application state every handler and middleware shares: the store, the application
//! service, the read views, the projections' status board, metrics and the personal-data vault.

use std::sync::Arc;

use autos_app::service::Service;
use autos_app::views::Views;
use autos_domain::RuleBook;
use autos_projections::runner::StatusBoard;
use autos_store::personal::{MasterKey, PersonalVault};
use autos_store::EventStore;
use metrics_exporter_prometheus::PrometheusHandle;

/// Shared by every request handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn EventStore>,
    pub service: Service,
    pub views: Views,
    pub board: StatusBoard,
    pub metrics: Option<PrometheusHandle>,
    /// Seals and opens complainants' and beneficiaries' personal data.
    pub personal: PersonalVault,
    /// The audit page's background checks and their last results.
    pub audit: autos_app::audit::AuditJobs,
    /// Failed token checks by address (sign-in, unknown tokens).
    pub guesses: crate::abuse::TokenGuesses,
    /// Whether the session cookie carries `Secure` (sent over HTTPS only).
    pub secure_cookie: bool,
}

impl AppState {
    /// The state of a server deciding acts with `rules` and sealing personal data under `master`.
    pub fn new(
        store: Arc<dyn EventStore>,
        board: StatusBoard,
        metrics: Option<PrometheusHandle>,
        rules: Arc<RuleBook>,
        master: MasterKey,
    ) -> Self {
        let service = Service::new(store.clone(), rules);
        let views = Views::new(store.as_ref());
        let personal = PersonalVault::new(store.clone(), master);
        let (audit, guesses) = (autos_app::audit::AuditJobs::default(), crate::abuse::TokenGuesses::default());
        AppState { store, service, views, board, metrics, personal, audit, guesses, secure_cookie: false }
    }

    /// The same state, whose session cookie is `Secure` when `secure` (see [`secure_by_default`]).
    pub fn with_secure_cookie(mut self, secure: bool) -> Self {
        self.secure_cookie = secure;
        self
    }

    /// The same state, whose full verifications first check the signed tree heads of `files`.
    pub fn checking_heads(mut self, files: autos_store::tree_heads::TrustFiles) -> Self {
        self.audit = autos_app::audit::AuditJobs::checking_heads(files);
        self
    }
}

/// Whether a server listening on `listen` should mark its cookie `Secure` when not told: yes,
/// unless it listens on loopback only (a workstation, or behind a proxy on the same host that
/// ends TLS), where a browser reaches it over plain HTTP.
pub fn secure_by_default(listen: std::net::SocketAddr) -> bool {
    !listen.ip().is_loopback()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_secure_unless_the_server_listens_on_loopback() {
        assert!(!secure_by_default("127.0.0.1:8080".parse().unwrap()));
        assert!(!secure_by_default("[::1]:8080".parse().unwrap()));
        assert!(secure_by_default("0.0.0.0:8080".parse().unwrap()));
        assert!(secure_by_default("10.0.0.5:443".parse().unwrap()));
    }
}
