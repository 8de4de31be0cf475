//! Running external programs: each command is printed before it runs, and failures say which
//! command failed.

use std::process::{Command, ExitStatus};

use anyhow::{Context, Result, bail};

/// Prints `command` the way a user could retype it, prefixed with `$`.
pub fn announce(command: &Command) {
    let mut line = String::new();
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            line.push_str(&format!(
                "{}={} ",
                key.to_string_lossy(),
                quote(&value.to_string_lossy())
            ));
        }
    }
    line.push_str(&quote(&program_name(command)));
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&quote(&arg.to_string_lossy()));
    }
    eprintln!("$ {line}");
}

fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Announces and runs `command` with inherited stdio, returning its exit status.
pub fn status(command: &mut Command) -> Result<ExitStatus> {
    announce(command);
    command
        .status()
        .with_context(|| format!("could not start `{}`", program(command)))
}

/// Announces and runs `command`, failing unless it exits successfully.
pub fn run(command: &mut Command) -> Result<()> {
    let status = status(command)?;
    if !status.success() {
        bail!("`{}` failed ({status})", program(command));
    }
    Ok(())
}

/// Announces and runs `command`, returning its stdout (stderr is inherited); fails unless the
/// command exits successfully.
pub fn output(command: &mut Command) -> Result<String> {
    announce(command);
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("could not start `{}`", program(command)))?;
    if !output.status.success() {
        bail!("`{}` failed ({})", program(command), output.status);
    }
    String::from_utf8(output.stdout)
        .with_context(|| format!("`{}` printed something that is not UTF-8", program(command)))
}

fn program(command: &Command) -> String {
    let mut words = vec![program_name(command)];
    words.extend(
        command
            .get_args()
            .take(2)
            .map(|a| a.to_string_lossy().into_owned()),
    );
    words.join(" ")
}

/// The program's name; nested cargo runs through the absolute path in `CARGO`, but "cargo"
/// reads better.
fn program_name(command: &Command) -> String {
    let program = command.get_program();
    if std::env::var_os("CARGO").is_some_and(|cargo| cargo == program) {
        "cargo".to_owned()
    } else {
        program.to_string_lossy().into_owned()
    }
}
