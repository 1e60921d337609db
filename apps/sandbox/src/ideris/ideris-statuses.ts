/** 1007 "Aberto" and 1009 "Expedição" were seen in public clients; the other ids are ours (ASSUMPTION, docs/contracts.md#ideris-status-catalog). */
export const IDERIS_SYSTEM_STATUSES: ReadonlyArray<{ id: number; description: string }> = [
  { id: 1007, description: 'Aberto' },
  { id: 1008, description: 'A faturar' },
  { id: 1009, description: 'Expedição' },
  { id: 1010, description: 'Faturado' },
  { id: 1011, description: 'Entregue' },
  { id: 1012, description: 'Cancelado' },
];

export function iderisStatusDescription(statusId: number): string {
  return IDERIS_SYSTEM_STATUSES.find((status) => status.id === statusId)?.description ?? `Status ${statusId}`;
}
