//! `vigie-full`: every command of the `vigie` command line. `vigie` runs the reading and
//! rendering commands itself and hands the others to this binary, which sits beside it
//! (src/main.rs says why). It can be run directly, with the same arguments as `vigie`.

use std::process::ExitCode;

use clap::Parser;

use vigie::cli::{inspect, Cli, Command, Lang};

/// A kit check allocates and frees a great many small strings and trees; mimalloc spends
/// about a fifth less CPU on it than glibc's allocator (BENCHMARKS.md, "Layer 3").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect { files, json, lang } => {
            let lang = lang.unwrap_or_else(Lang::from_env);
            inspect::run(&files, json, lang)
        }
        Command::List(args) => vigie::cli::list::run(&args),
        Command::Results(args) => vigie::cli::results::run(&args),
        Command::Clinical(args) => vigie::cli::clinical::run(&args),
        Command::Check(args) => vigie::cli::check::run(&args),
        Command::Render { file, output, report, lang } => {
            vigie::cli::render::run(&file, output.as_deref(), report, lang.unwrap_or_else(Lang::from_env))
        }
        Command::Serve { paths, port, open, kit, schema } => {
            let check = vigie::check::CheckOptions {
                kit_dir: kit,
                schema_dir: schema,
                kit_cache: vigie::check::default_kit_cache(),
            };
            match vigie::serve::serve(vigie::serve::Options { paths, port, open, check }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("vigie serve: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Demo { dir } => match vigie::demo::write_demo_set(&dir) {
            Ok(files) => {
                for f in &files {
                    println!("{}", f.display());
                }
                eprintln!("{} demo files written to {}", files.len(), dir.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("vigie demo: cannot write to {}: {error}", dir.display());
                ExitCode::FAILURE
            }
        },
    }
}
