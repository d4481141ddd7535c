//! The outbox's workers, built from the settings: the mail worker always, the webhook worker
//! when receivers are configured; and `Wakes`, rung by the use cases after a commit that
//! queued work for them.

use crate::app::{Overrides, StartError};
use crate::config::{Config, EmailBackend, SmtpTls};
use std::sync::Arc;
use std::time::Duration;
use tessera_core::Clock;
use tessera_core::observe::Observe;
use tessera_core::ports::Store;
use tessera_mailer::{
    Courier, Renderer, RetryPolicy, SmtpSettings, Transport, TransportConfig, Webhooks, Worker,
};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// How long the rows in hand may still take once stopping.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Woken after a commit that queued mail, or webhook POSTs.
#[derive(Clone, Default)]
pub struct Wakes {
    pub mail: Arc<Notify>,
    pub webhooks: Arc<Notify>,
}

/// The webhook client, when receivers are configured (checked before any file is made).
pub(crate) fn webhooks(config: &Config) -> Result<Option<Webhooks>, StartError> {
    let Some(key) = config.webhook_secret.clone() else {
        return Ok(None);
    };
    if config.webhook_urls.is_empty() {
        return Ok(None);
    }
    let urls = config.webhook_urls.urls().map(str::to_owned);
    Webhooks::new(urls, key, Duration::from_secs(config.webhook_timeout))
        .map(Some)
        .map_err(StartError::Config)
}

/// The mail courier, and the webhook one when there are receivers.
pub(crate) fn couriers(
    config: &Config,
    webhooks: Option<Webhooks>,
) -> Result<(Courier, Option<Courier>), StartError> {
    let mail = Courier::Mail {
        transport: transport(config)?,
        renderer: Renderer::new(config.template_dir.as_deref())
            .map_err(|e| StartError::Templates(e.to_string()))?,
    };
    Ok((mail, webhooks.map(Courier::Webhook)))
}

/// Start each courier's worker until `stopped`.
pub(crate) fn spawn(
    config: &Config,
    (mail, webhooks): (Courier, Option<Courier>),
    (store, clock): (Arc<dyn Store>, Arc<dyn Clock>),
    wakes: Wakes,
    overrides: &Overrides,
    metrics: Arc<dyn Observe>,
    stopped: &watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let poll_interval = overrides
        .mail_poll_interval
        .unwrap_or(Duration::from_secs(2));
    let mut workers = vec![Worker {
        store: store.clone(),
        clock: clock.clone(),
        courier: mail,
        wake: wakes.mail,
        policy: RetryPolicy {
            max_attempts: config.mail_max_attempts,
            base_delay_secs: config.mail_retry_delay,
            poll_interval,
            ..RetryPolicy::default()
        },
        concurrency: config.mail_concurrency,
        stop_grace: STOP_GRACE,
        // A delivery is bounded by the mail timeout: twice that and a margin outlasts it.
        claim: Duration::from_secs(config.mail_timeout.saturating_mul(2).saturating_add(30)),
        observe: metrics.clone(),
    }];
    if let Some(courier) = webhooks {
        workers.push(Worker {
            store,
            clock,
            courier,
            wake: wakes.webhooks,
            policy: RetryPolicy {
                max_attempts: config.webhook_max_attempts,
                base_delay_secs: config.webhook_retry_delay,
                poll_interval,
                ..RetryPolicy::default()
            },
            concurrency: 4,
            stop_grace: STOP_GRACE,
            claim: Duration::from_secs(config.webhook_timeout.saturating_mul(2).saturating_add(30)),
            observe: metrics,
        });
    }
    workers
        .into_iter()
        .map(|w| tokio::spawn(w.run(crate::signals::stopped(stopped.clone()))))
        .collect()
}

fn transport(config: &Config) -> Result<Transport, StartError> {
    let transport = match config.email_backend {
        EmailBackend::Console => TransportConfig::Console,
        EmailBackend::File => {
            std::fs::create_dir_all(&config.email_dir)
                .map_err(|e| StartError::Mail(e.to_string()))?;
            TransportConfig::File(config.email_dir.clone())
        }
        EmailBackend::Smtp => TransportConfig::Smtp(SmtpSettings {
            host: config.smtp_host.clone(),
            port: config.smtp_port,
            username: config.smtp_username.clone(),
            password: config.smtp_password.clone(),
            tls: match config.smtp_tls {
                SmtpTls::None => tessera_mailer::SmtpTls::None,
                SmtpTls::Starttls => tessera_mailer::SmtpTls::StartTls,
                SmtpTls::Tls => tessera_mailer::SmtpTls::Tls,
            },
        }),
    };
    Transport::new(
        &transport,
        &config.email_from,
        Duration::from_secs(config.mail_timeout),
        config.mail_concurrency,
    )
    .map_err(|e| StartError::Mail(e.to_string()))
}
