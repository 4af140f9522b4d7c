//! The limit on guessing tokens: per peer address, failed sign-ins and requests with a token
//! that is unknown or revoked are counted (GCRA, `governor`); once an address goes over the quota,
//! every request of it that carries a token — the right one included, or the limit would tell a
//! guesser which token is right — answers 429 with `Retry-After` until the wait ends. Requests
//! without a token (the public pages) are never counted.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::ApiError;

/// Failed attempts an address may make in a burst, then one more every `1 min / GUESSES`.
const GUESSES_PER_MINUTE: u32 = 20;

/// Failed token checks by peer address, and the addresses refused until a moment.
#[derive(Clone)]
pub struct TokenGuesses {
    failures: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    refused_until: Arc<Mutex<HashMap<IpAddr, Instant>>>,
}

impl Default for TokenGuesses {
    fn default() -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(GUESSES_PER_MINUTE).unwrap_or(NonZeroU32::MIN));
        TokenGuesses { failures: Arc::new(RateLimiter::keyed(quota)), refused_until: Arc::default() }
    }
}

impl TokenGuesses {
    /// Refuses `peer` while it is over its quota.
    ///
    /// # Errors
    /// `TooManyAttempts` with the seconds left.
    pub fn admit(&self, peer: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(peer) = peer else { return Ok(()) };
        let mut refused = self.refused_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match refused.get(&peer).map(|until| until.saturating_duration_since(Instant::now())) {
            Some(wait) if !wait.is_zero() => Err(ApiError::TooManyAttempts(seconds(wait))),
            Some(_) => {
                refused.remove(&peer);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Counts one failed attempt of `peer`.
    ///
    /// # Errors
    /// `TooManyAttempts` when this attempt went over the quota: `peer` is refused from now on
    /// until the wait ends.
    pub fn failed(&self, peer: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(peer) = peer else { return Ok(()) };
        match self.failures.check_key(&peer) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let mut refused = self.refused_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                refused.retain(|_, until| *until > Instant::now());
                refused.insert(peer, Instant::now() + wait);
                Err(ApiError::TooManyAttempts(seconds(wait)))
            }
        }
    }
}

/// Whole seconds, at least one (what `Retry-After` takes).
fn seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_over_its_quota_is_refused_even_with_the_right_token_and_others_are_not() {
        let guesses = TokenGuesses::default();
        let (guesser, other) = (Some(IpAddr::from([10, 0, 0, 1])), Some(IpAddr::from([10, 0, 0, 2])));
        for _ in 0..GUESSES_PER_MINUTE {
            guesses.admit(guesser).unwrap();
            guesses.failed(guesser).unwrap();
        }
        let Err(ApiError::TooManyAttempts(wait)) = guesses.failed(guesser) else { panic!("over the quota") };
        assert!((1..=3).contains(&wait), "about one attempt's interval: {wait}");
        assert!(matches!(guesses.admit(guesser), Err(ApiError::TooManyAttempts(_))), "refused before any check");
        guesses.admit(other).unwrap();
        guesses.failed(other).unwrap();
        guesses.admit(None).unwrap();
    }
}
