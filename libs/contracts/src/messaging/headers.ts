/** Header names carried on every hub message. */
export const MessageHeaders = {
  /** JetStream publish de-duplication (server side, within the stream's duplicate window). */
  natsMsgId: 'Nats-Msg-Id',
  /**
   * The logical message id the inbox de-duplicates on. Equals Nats-Msg-Id on first publish and survives a
   * re-drive (which needs a fresh Nats-Msg-Id to pass the server's duplicate window).
   */
  messageId: 'Hub-Message-Id',
  correlationId: 'Hub-Correlation-Id',
  connectionId: 'Hub-Connection-Id',
  redriveOf: 'Hub-Redrive-Of',
  /** On a re-driven copy: the one consumer it is for; every other consumer of the stream skips it. */
  redriveFor: 'Hub-Redrive-For',
  publishedAt: 'Hub-Published-At',
} as const;
