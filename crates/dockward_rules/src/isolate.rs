//! Running one rule so that a bug in it cannot take the others down.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `check` with a fresh output list. Returns what it found, or, when it
/// panicked, the panic's message (`unknown cause` for a non-string payload),
/// which every engine reports as an "internal error" finding of that rule.
pub fn run_isolated<T>(check: impl FnOnce(&mut Vec<T>)) -> Result<Vec<T>, String> {
    let mut found = Vec::new();
    match catch_unwind(AssertUnwindSafe(|| check(&mut found))) {
        Ok(()) => Ok(found),
        Err(panic) => Err(panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_findings_pass_through() {
        assert_eq!(run_isolated(|out: &mut Vec<u8>| out.push(1)), Ok(vec![1]));
        let crashed = run_isolated(|_: &mut Vec<u8>| panic!("boom {}", 42));
        assert_eq!(crashed, Err("boom 42".to_owned()));
    }
}
