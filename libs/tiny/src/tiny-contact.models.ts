import { digitsOnly, isRecord, toId, toText, unwrapList } from './tiny-coercion';
import { parseTinyDate } from './tiny-date';

export type TinyContactSituation = 'A' | 'I' | 'S';

export interface TinyContactDraft {
  /** Needed to update by id; otherwise Tiny locates by `code`, then by `document`. */
  id?: string;
  code?: string;
  name?: string;
  personType?: 'F' | 'J' | 'E';
  document?: string;
  stateRegistration?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  street?: string;
  number?: string;
  complement?: string;
  district?: string;
  zipCode?: string;
  city?: string;
  state?: string;
  situation?: TinyContactSituation;
  contactTypes?: string[];
  notes?: string;
}

export interface TinyContact {
  id: string;
  code?: string;
  name: string;
  personType?: string;
  /** Digits only; Tiny answers formatted. */
  document?: string;
  email?: string;
  phone?: string;
  city?: string;
  state?: string;
  zipCode?: string;
  /** `A`/`I`/`S` from obter, the description (`Ativo`) from pesquisa; kept as sent. */
  situation?: string;
  updatedAt?: Date;
  createdAt?: Date;
  contactTypes: string[];
}

export interface TinyContactSearch {
  /** Partial name or code. */
  text?: string;
  /** Compared as digits by Tiny: formatting does not matter. */
  document?: string;
  situation?: 'Ativo' | 'Excluido';
  page?: number;
}

export interface TinyContactSearchPage {
  page: number;
  pageCount: number;
  contacts: TinyContact[];
}

/** `contato` form field = `{"contatos":[{"contato":{…,"sequencia":n}}]}`; `situacao` is required on create. */
export function toTinyContactsDocument(drafts: TinyContactDraft[], creating: boolean): string {
  const contatos = drafts.map((draft, index) => ({
    contato: {
      sequencia: index + 1,
      id: draft.id,
      codigo: draft.code,
      nome: draft.name,
      tipo_pessoa: draft.personType,
      cpf_cnpj: draft.document,
      ie: draft.stateRegistration,
      email: draft.email,
      fone: draft.phone,
      celular: draft.mobile,
      endereco: draft.street,
      numero: draft.number,
      complemento: draft.complement,
      bairro: draft.district,
      cep: draft.zipCode,
      cidade: draft.city,
      uf: draft.state,
      situacao: draft.situation ?? (creating ? 'A' : undefined),
      obs: draft.notes?.slice(0, 200),
      tipos_contato: draft.contactTypes?.map((tipo) => ({ tipo })),
    },
  }));
  return JSON.stringify({ contatos });
}

export function mapTinyContact(value: unknown): TinyContact | undefined {
  if (!isRecord(value)) return undefined;
  const id = toId(value['id']);
  const name = toText(value['nome']);
  if (!id || !name) return undefined;
  return {
    id,
    code: toText(value['codigo']),
    name,
    personType: toText(value['tipo_pessoa']),
    document: digitsOnly(value['cpf_cnpj']) || undefined,
    email: toText(value['email']),
    phone: toText(value['fone']),
    city: toText(value['cidade']),
    state: toText(value['uf']),
    zipCode: digitsOnly(value['cep']) || undefined,
    situation: toText(value['situacao']),
    updatedAt: parseTinyDate(value['data_atualizacao']),
    createdAt: parseTinyDate(value['data_criacao']),
    contactTypes: unwrapList(value['tipos_contato'], 'tipo_contato').flatMap((entry) => {
      const tipo = toText(entry['tipo']);
      return tipo ? [tipo] : [];
    }),
  };
}
