//! `Courier`: what carries one outbox row to its recipient: a mail rendered and handed to
//! the transport, or a webhook body signed and POSTed. The worker around it is the same.

use crate::webhook::Webhooks;
use crate::{Renderer, Transport};
use tessera_core::Timestamp;
use tessera_core::mail::Channel;
use tessera_core::records::MailRecord;

// One courier per worker, made once at start: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Courier {
    Mail {
        transport: Transport,
        renderer: Renderer,
    },
    Webhook(Webhooks),
}

/// Why a row was not delivered, and whether trying again may help.
pub(crate) struct Undelivered {
    pub(crate) error: String,
    pub(crate) retry: bool,
}

impl Courier {
    /// The outbox channel whose rows this courier carries.
    pub fn channel(&self) -> Channel {
        match self {
            Self::Mail { .. } => Channel::Mail,
            Self::Webhook(_) => Channel::Webhook,
        }
    }

    /// Deliver `record` at `now`; the kind delivered (for the log).
    pub(crate) async fn carry(
        &self,
        record: MailRecord,
        now: Timestamp,
    ) -> Result<String, Undelivered> {
        match self {
            Self::Mail {
                transport,
                renderer,
            } => {
                let mail = record.into_queued().map_err(|(_, error)| Undelivered {
                    error,
                    retry: false,
                })?;
                let rendered =
                    renderer
                        .render(mail.kind, &mail.context)
                        .map_err(|e| Undelivered {
                            error: format!("template error: {e}"),
                            retry: false,
                        })?;
                transport
                    .send(&mail.to, mail.context.message_id.as_deref(), &rendered)
                    .await
                    .map_err(|e| Undelivered {
                        error: e.to_string(),
                        retry: true,
                    })?;
                Ok(mail.kind.as_str().to_owned())
            }
            Self::Webhook(hooks) => {
                hooks.post(&record, now).await?;
                Ok(record.kind)
            }
        }
    }
}
