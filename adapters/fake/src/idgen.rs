//! Deterministic names. Every id the fake hands out is a function of the seed, the kind of id
//! and how many of that kind came before, so two fakes given the same seed and the same calls
//! hand out the same ids; content hashes depend on the content only.

use nemo_core::ids::{InvalidId, SessionId, TaskId, Token, UserId};

/// The kinds of id, each with its own counter.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Token = 0,
    User = 1,
    Session = 2,
    Task = 3,
    Claim = 4,
}

/// Hands out ids from a seed and one counter per kind.
#[derive(Debug)]
pub(crate) struct IdGen {
    seed: u64,
    counters: [u64; 5],
}

impl IdGen {
    pub(crate) fn new(seed: u64) -> Self {
        Self { seed, counters: [0; 5] }
    }

    fn draw(&mut self, kind: Kind) -> u64 {
        let counter = &mut self.counters[kind as usize];
        *counter += 1;
        let stream = mix(self.seed ^ ((kind as u64 + 1) << 56));
        mix(stream.wrapping_add(*counter))
    }

    /// `nmv_usr_` and 32 hex digits.
    pub(crate) fn token(&mut self) -> Token {
        valid(Token::new(format!("nmv_usr_{:016x}{:016x}", self.draw(Kind::Token), self.draw(Kind::Token))))
    }

    /// `anon_` and 16 hex digits.
    pub(crate) fn user(&mut self) -> UserId {
        valid(UserId::parse(format!("anon_{:016x}", self.draw(Kind::User))))
    }

    /// A 19-digit number, as the real service's session ids.
    pub(crate) fn session(&mut self) -> SessionId {
        const LOWEST: u64 = 1_000_000_000_000_000_000;
        valid(SessionId::parse((LOWEST + self.draw(Kind::Session) % (9 * LOWEST)).to_string()))
    }

    /// `task_` and 16 hex digits (the real format is not published).
    pub(crate) fn task(&mut self) -> TaskId {
        valid(TaskId::parse(format!("task_{:016x}", self.draw(Kind::Task))))
    }

    /// `clm_` and 32 hex digits.
    pub(crate) fn claim(&mut self) -> String {
        format!("clm_{:016x}{:016x}", self.draw(Kind::Claim), self.draw(Kind::Claim))
    }
}

/// The ids above are built from hex digits and `_` only, which every id type accepts.
fn valid<T>(id: Result<T, InvalidId>) -> T {
    id.expect("generated ids are letters, digits and '_'")
}

/// The splitmix64 finalizer: a bijection on `u64` that scatters neighbouring inputs.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 16 hex digits of FNV-1a over `content`: stable across runs, platforms and seeds.
pub(crate) fn content_hash(content: &str) -> String {
    let hash = content.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_service_shapes() {
        let mut ids = IdGen::new(7);
        let token = ids.token();
        assert!(token.expose().starts_with("nmv_usr_") && token.expose().len() == 40);
        assert!(ids.user().is_anonymous());
        let session = ids.session();
        assert!(session.as_str().len() == 19 && session.as_str().bytes().all(|b| b.is_ascii_digit()), "{session}");
        assert!(ids.task().as_str().starts_with("task_"));
        assert!(ids.claim().starts_with("clm_"));
    }

    #[test]
    fn the_same_seed_gives_the_same_ids_and_another_seed_others() {
        let draw = |seed| {
            let mut ids = IdGen::new(seed);
            [ids.token().expose().to_owned(), ids.token().expose().to_owned(), ids.session().to_string(), ids.claim()]
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
        let [first, second, ..] = draw(1);
        assert_ne!(first, second);
    }

    #[test]
    fn content_hashes_depend_on_the_content_only() {
        assert_eq!(content_hash("a.mp4:10"), content_hash("a.mp4:10"));
        assert_ne!(content_hash("a.mp4:10"), content_hash("a.mp4:11"));
        assert_eq!(content_hash(""), "cbf29ce484222325");
    }
}
