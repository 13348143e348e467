//! The dockward binary: parses the command line and dispatches.
//!
//! Exit status: 0 success, 1 findings at or above the failure threshold,
//! 2 usage, configuration or input error. A closed output pipe exits 0.

mod audit;
mod cli;
mod clock;
mod compose;
mod db;
mod discover;
mod image;
mod input;
mod lint;
mod printer;
mod rule;
mod scan_report;
mod scan_table;
mod suppress;
mod vex;

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};

use crate::cli::{Cli, Command, CompletionArgs};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing at or above the threshold.
    Success,
    /// Findings at or above the threshold.
    Failure,
    /// Usage, configuration or input error.
    Error,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        match status {
            Status::Success => ExitCode::SUCCESS,
            Status::Failure => ExitCode::from(1),
            Status::Error => ExitCode::from(2),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            return match printer::clap_message(&error) {
                Ok(()) => ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2)),
                // Help or version into a closed pipe.
                Err(_) => ExitCode::SUCCESS,
            };
        }
    };
    let result = match &cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Sbom(args) => image::sbom(args),
        Command::Scan(args) => image::scan(args),
        Command::Db(args) => db::run(args),
        Command::Rule(args) => rule::run(args),
        Command::Completion(args) => completion(args),
    };
    match result {
        Ok(status) => status.into(),
        Err(error) if printer::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            printer::error_chain(&error);
            Status::Error.into()
        }
    }
}

fn completion(args: &CompletionArgs) -> anyhow::Result<Status> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "dockward", &mut script);
    printer::Printer::new(None).result(&String::from_utf8_lossy(&script))?;
    Ok(Status::Success)
}
