//! The command line, named and flagged as the AWS CLI names them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use sts_core::model::*;

use crate::ops::CliOperation;

/// AWS STS from the command line: every operation, with the AWS CLI's names,
/// flags and JSON output; credential_process and EKS tokens; the STS emulator.
///
/// Settings come from the same places as the AWS CLI's: AWS_REGION,
/// AWS_PROFILE, AWS_ENDPOINT_URL(_STS), the credentials chain, ~/.aws/config
/// and ~/.aws/credentials. A value written `file://path` is read from the file.
#[derive(Debug, Parser)]
#[command(name = "sts", version, about, long_about = None, disable_help_subcommand = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The region (overrides AWS_REGION and the profile's region).
    #[arg(long, global = true)]
    pub(crate) region: Option<String>,
    /// The profile (overrides AWS_PROFILE).
    #[arg(long, global = true)]
    pub(crate) profile: Option<String>,
    /// The STS endpoint URL (overrides AWS_ENDPOINT_URL_STS and the profile).
    #[arg(long, global = true)]
    pub(crate) endpoint_url: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Output::Json)]
    pub(crate) output: Output,
    /// Show the library's tracing on standard error at debug level (each
    /// operation and attempt: status, request id, time; retries and their
    /// reason; why each credentials source was skipped; no secrets) and the
    /// full error chain. RUST_LOG or STS_LOG select levels and targets.
    #[arg(long, global = true)]
    pub(crate) debug: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    /// The AWS CLI's JSON.
    Json,
    /// The AWS CLI's tab-separated text.
    Text,
    /// `export AWS_...=` lines (operations that return credentials).
    Env,
}

/// The subcommands: one per operation of the model, from its one list
/// (`sts_core::for_each_operation!`; each operation's flags, input and output
/// are its `CliOperation` impl in `ops.rs`), and the command's own.
macro_rules! commands {
    ($($op:ident => $method:ident, $auth:ident, $input:ident $(($with:ident))?;)*) => {
        #[derive(Debug, Subcommand)]
        pub(crate) enum Command {
            $(
                #[command(about = <$op as CliOperation>::ABOUT)]
                $op(<$op as CliOperation>::Args),
            )*
            /// Assume a role and print the credential_process JSON (for ~/.aws/config).
            CredentialProcess(CredentialProcessArgs),
            /// Print the ExecCredential JSON `aws eks get-token` prints.
            EksToken(EksTokenArgs),
            /// Run the STS emulator on 127.0.0.1.
            Emulator(EmulatorArgs),
        }
    };
}

sts_core::for_each_operation!(commands);

/// GetCallerIdentity has no flags.
#[derive(Debug, Args)]
pub(crate) struct GetCallerIdentityArgs {}

#[derive(Debug, Args)]
pub(crate) struct AssumeRoleArgs {
    #[arg(long)]
    pub(crate) role_arn: String,
    #[arg(long)]
    pub(crate) role_session_name: String,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    /// An inline session policy (JSON, or file://policy.json).
    #[arg(long)]
    pub(crate) policy: Option<String>,
    /// Managed policies: `arn=ARN` ...
    #[arg(long, num_args = 1..)]
    pub(crate) policy_arns: Vec<String>,
    /// Session tags: `Key=k,Value=v` ...
    #[arg(long, num_args = 1..)]
    pub(crate) tags: Vec<String>,
    #[arg(long, num_args = 1..)]
    pub(crate) transitive_tag_keys: Vec<String>,
    #[arg(long)]
    pub(crate) external_id: Option<String>,
    #[arg(long)]
    pub(crate) serial_number: Option<String>,
    #[arg(long)]
    pub(crate) token_code: Option<String>,
    #[arg(long)]
    pub(crate) source_identity: Option<String>,
}

/// The session flags several operations share.
#[derive(Debug, Args)]
pub(crate) struct SessionArgs {
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    /// An inline session policy (JSON, or file://policy.json).
    #[arg(long)]
    pub(crate) policy: Option<String>,
    /// Managed policies: `arn=ARN` ...
    #[arg(long, num_args = 1..)]
    pub(crate) policy_arns: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SamlArgs {
    #[arg(long)]
    pub(crate) role_arn: String,
    #[arg(long)]
    pub(crate) principal_arn: String,
    /// The base64 SAML response (or file://response.b64).
    #[arg(long)]
    pub(crate) saml_assertion: String,
    #[command(flatten)]
    pub(crate) session: SessionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct WebIdentityArgs {
    #[arg(long)]
    pub(crate) role_arn: String,
    #[arg(long)]
    pub(crate) role_session_name: String,
    /// The token (or file://token).
    #[arg(long)]
    pub(crate) web_identity_token: String,
    #[arg(long)]
    pub(crate) provider_id: Option<String>,
    #[command(flatten)]
    pub(crate) session: SessionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct AssumeRootArgs {
    #[arg(long)]
    pub(crate) target_principal: String,
    /// `arn=ARN` of a root task policy.
    #[arg(long)]
    pub(crate) task_policy_arn: String,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
}

#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    #[arg(long)]
    pub(crate) encoded_message: String,
}

#[derive(Debug, Args)]
pub(crate) struct AccessKeyArgs {
    #[arg(long)]
    pub(crate) access_key_id: String,
}

#[derive(Debug, Args)]
pub(crate) struct TradeInArgs {
    #[arg(long)]
    pub(crate) trade_in_token: String,
}

#[derive(Debug, Args)]
pub(crate) struct FederationArgs {
    #[arg(long)]
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) session: SessionArgs,
    #[arg(long, num_args = 1..)]
    pub(crate) tags: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SessionTokenArgs {
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[arg(long)]
    pub(crate) serial_number: Option<String>,
    #[arg(long)]
    pub(crate) token_code: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct WebIdentityTokenArgs {
    #[arg(long, num_args = 1.., required = true)]
    pub(crate) audience: Vec<String>,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[arg(long)]
    pub(crate) signing_algorithm: Option<String>,
    #[arg(long, num_args = 1..)]
    pub(crate) tags: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CredentialProcessArgs {
    #[arg(long)]
    pub(crate) role_arn: String,
    #[arg(long)]
    pub(crate) role_session_name: Option<String>,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[arg(long)]
    pub(crate) external_id: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct EksTokenArgs {
    #[arg(long)]
    pub(crate) cluster_name: String,
}

#[derive(Debug, Args)]
pub(crate) struct EmulatorArgs {
    /// The port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    /// Accounts, users and roles as JSON (see `sts emulator --help`); default:
    /// the example account.
    #[arg(long)]
    pub(crate) config: Option<String>,
}
