//! `vigie`: the command line. It is two binaries. This one is small and runs `inspect` and
//! `render` itself, so that a process reading or rendering one document starts in about a
//! millisecond: a binary's start-up grows with its size, since the loader writes every page
//! of its relocated data (BENCHMARKS.md, "Rendering"). Every other command (`check`, `list`,
//! `serve`, ...) needs the validation engines, the library's database or the server, and runs
//! in `vigie-full`, beside this binary: this one checks the arguments, then replaces itself
//! with `vigie-full` and the same arguments (one `exec`, about a millisecond more).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use vigie::cli::{inspect, Cli, Command, Lang};

/// The binary that runs every other command, in the same folder as this one.
const FULL: &str = "vigie-full";

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect { files, json, lang } => {
            inspect::run(&files, json, lang.unwrap_or_else(Lang::from_env))
        }
        Command::Render { file, output, report, lang } => {
            vigie::cli::render::run(&file, output.as_deref(), report, lang.unwrap_or_else(Lang::from_env))
        }
        Command::List(_)
        | Command::Results(_)
        | Command::Clinical(_)
        | Command::Check(_)
        | Command::Serve { .. }
        | Command::Demo { .. } => hand_over(std::env::args_os().skip(1).collect()),
    }
}

/// Runs `vigie-full` with `args` in place of this process (its exit code is then the
/// command's); says what is missing when it cannot.
fn hand_over(args: Vec<OsString>) -> ExitCode {
    let (place, error) = match std::env::current_exe() {
        Ok(exe) => {
            let full = exe.with_file_name(FULL);
            let error = run(&full, args);
            (full, error)
        }
        Err(error) => (PathBuf::from(FULL), error),
    };
    eprintln!(
        "vigie: this command runs in {}, which could not be started ({error}).\n\
         Build it beside vigie: cargo build --release --bins",
        place.display()
    );
    ExitCode::from(2)
}

#[cfg(unix)]
fn run(full: &std::path::Path, args: Vec<OsString>) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    std::process::Command::new(full).args(args).exec()
}

#[cfg(not(unix))]
fn run(full: &std::path::Path, args: Vec<OsString>) -> std::io::Error {
    match std::process::Command::new(full).args(args).status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(error) => error,
    }
}
