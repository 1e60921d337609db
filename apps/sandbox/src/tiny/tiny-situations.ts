/** Official "Situações dos Pedidos": codes are accepted on input, descriptions are what obter/pesquisa return. */
export const TINY_SITUATIONS: Record<string, string> = {
  aberto: 'Em aberto',
  aprovado: 'Aprovado',
  preparando_envio: 'Preparando envio',
  faturado: 'Faturado (atendido)',
  pronto_envio: 'Pronto para envio',
  enviado: 'Enviado',
  entregue: 'Entregue',
  nao_entregue: 'Não Entregue',
  cancelado: 'Cancelado',
};

/** Creation accepts either spelling (the official example sends "Aberto", integrators send codes). */
export function situationCode(input: string | undefined): string | undefined {
  if (input === undefined || input.trim() === '') return 'aberto';
  const lowered = input.trim().toLowerCase();
  if (lowered in TINY_SITUATIONS) return lowered;
  const byDescription = Object.entries(TINY_SITUATIONS).find(([, description]) => description.toLowerCase() === lowered);
  if (byDescription) return byDescription[0];
  return lowered === 'atendido' ? 'faturado' : undefined;
}
