//! `cargo xtask <task>`: project automation.

fn main() -> anyhow::Result<()> {
    Ok(())
}
