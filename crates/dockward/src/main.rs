//! The dockward binary: parses the command line and dispatches.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::SUCCESS
}
