/** Wire shapes of Tiny's `retorno` envelope, as the sandbox emits them. Scalars are deliberately mixed
 * (string vs number) per script, as the real API does. */
export type TinyScalar = string | number;

export interface TinyRetornoBody {
  retorno: Record<string, unknown>;
}

export const TINY_MESSAGES: Record<number, string> = {
  1: 'token não informado',
  2: 'token invalido',
  3: 'JSON mal formado ou inválido',
  5: 'API bloqueada ou sem acesso',
  6: 'API Bloqueada - Excedido o número de acessos a API, aguarde alguns minutos e tente novamente',
  // ASSUMPTION (docs/contracts.md#tiny-limits): only the code-6 text was observed; the code-11 text mirrors it.
  11: 'API Bloqueada - Excedido o número de acessos simultâneos a API, aguarde alguns segundos e tente novamente',
  10: 'Parametro não informado',
  20: 'A consulta não retornou registros',
  22: 'O lote tem mais registros que o permitido por envio',
  23: 'A página que você está tentando obter não existe',
  30: 'Registro em duplicidade',
  31: 'Erros de validação',
  32: 'Registro não localizado',
  34: 'Nota fiscal não autorizada',
  35: 'Erro inesperado, tente novamente mais tarde',
  99: 'Sistema em manutenção',
};

export class TinyBusinessError extends Error {
  constructor(
    readonly codigo: number,
    readonly messages: string[] = [TINY_MESSAGES[codigo] ?? 'Erro'],
    readonly statusProcessamento: TinyScalar = 2,
  ) {
    super(messages.join('; '));
  }
}

export function tinyOk(payload: Record<string, unknown>, statusProcessamento: TinyScalar = 3): TinyRetornoBody {
  return { retorno: { status_processamento: statusProcessamento, status: 'OK', ...payload } };
}

export function tinyError(codigo: TinyScalar, messages: string[], statusProcessamento: TinyScalar = 2): TinyRetornoBody {
  return {
    retorno: { status_processamento: statusProcessamento, status: 'Erro', codigo_erro: codigo, erros: messages.map((erro) => ({ erro })) },
  };
}

/** The one observed block answer has no `status_processamento` and the code as a string. */
export function tinyBlocked(codigo: 6 | 11): TinyRetornoBody {
  return { retorno: { status: 'Erro', codigo_erro: String(codigo), erros: [{ erro: TINY_MESSAGES[codigo] }] } };
}

/** Write services report a failed record inside `registros` (as an array), with the outer status 2. */
export function tinyRegistroError(codigo: number, messages: string[]): TinyRetornoBody {
  return {
    retorno: {
      status_processamento: 2,
      status: 'Erro',
      registros: [{ registro: { sequencia: '1', status: 'Erro', codigo_erro: String(codigo), erros: messages.map((erro) => ({ erro })) } }],
    },
  };
}
