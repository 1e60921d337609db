import { Injectable } from '@nestjs/common';
import { isRecord } from '../common/request-params';
import { TinyDataStore, digits, type TinyContact } from './tiny-data.store';
import { TinyBusinessError, tinyOk, type TinyRetornoBody } from './tiny-retorno';
import type { TinyScriptContext, TinyScriptMap } from './tiny-script';
import { batchAnswer, batchEntries, page, registroError, registroOk, requiredParam, scalarFields, text, tinyDate, type TinyRegistro } from './tiny-wire';

const SITUATION_TEXT: Record<string, string> = { A: 'Ativo', I: 'Inativo', S: 'Sem movimento', E: 'Excluido' };

@Injectable()
export class TinyContactScripts {
  constructor(private readonly data: TinyDataStore) {}

  scripts(): TinyScriptMap {
    // Official: contact writes always count as batch calls (5/min), whatever the number of records.
    return {
      'contato.incluir': { batch: true, handle: (context) => this.include(context) },
      'contato.alterar': { batch: true, handle: (context) => this.alter(context) },
      'contato.obter': { handle: (context) => this.get(context) },
      'contatos.pesquisa': { handle: (context) => this.search(context) },
    };
  }

  private include({ account, params, now }: TinyScriptContext): TinyRetornoBody {
    const contacts = this.data.of(account.token).contacts;
    const registros = batchEntries(params, 'contato', 'contatos', 'contato').map((contato, index): TinyRegistro => {
      const sequencia = text(contato['sequencia']) ?? String(index + 1);
      const errors = requiredFieldErrors(contato);
      if (errors.length > 0) return registroError(sequencia, 31, errors);
      // ASSUMPTION (docs/contracts.md#tiny-contatos): Tiny refuses a second contact with the same CPF/CNPJ (compared as digits) or the same code.
      if (findByDocumentOrCode(contacts, contato).length > 0) return registroError(sequencia, 30, ['Registro em duplicidade']);
      const contact: TinyContact = { id: this.data.newId(), fields: scalarFields(contato), tiposContato: contactTypes(contato), createdAt: now, updatedAt: now };
      delete contact.fields['sequencia'];
      contacts.push(contact);
      return registroOk(sequencia, { id: contact.id });
    });
    return batchAnswer(registros);
  }

  /** Official lookup order for alterar: `id`, then `codigo`, then `cpf_cnpj`. Only the fields sent change. */
  private alter({ account, params, now }: TinyScriptContext): TinyRetornoBody {
    const contacts = this.data.of(account.token).contacts;
    const registros = batchEntries(params, 'contato', 'contatos', 'contato').map((contato, index): TinyRegistro => {
      const sequencia = text(contato['sequencia']) ?? String(index + 1);
      const id = text(contato['id']);
      const matches = id ? contacts.filter((contact) => String(contact.id) === id) : findByDocumentOrCode(contacts, contato);
      if (matches.length === 0) return registroError(sequencia, 32, ['Contato não localizado']);
      if (matches.length > 1) return registroError(sequencia, 33, ['Contato encontrado em duplicidade']);
      const [contact] = matches;
      const changes = scalarFields(contato);
      delete changes['sequencia'];
      delete changes['id'];
      if (changes['situacao'] && !SITUATION_TEXT[changes['situacao']]) return registroError(sequencia, 31, ['A situação do contato é inválida']);
      Object.assign(contact.fields, changes);
      // Official: tipos_contato and pessoas_contato only add, never replace.
      contact.tiposContato = [...new Set([...contact.tiposContato, ...contactTypes(contato)])];
      contact.updatedAt = now;
      return registroOk(sequencia, { id: contact.id });
    });
    return batchAnswer(registros);
  }

  private get({ account, params }: TinyScriptContext): TinyRetornoBody {
    const id = requiredParam(params, 'id');
    const contact = this.data.of(account.token).contacts.find((candidate) => String(candidate.id) === id);
    if (!contact) throw new TinyBusinessError(32, ['Contato não localizado'], 2);
    return tinyOk(
      {
        contato: {
          ...contact.fields,
          id: String(contact.id),
          codigo: contact.fields['codigo'] ?? '',
          cpf_cnpj: formatDocument(contact.fields['cpf_cnpj']),
          situacao: contact.fields['situacao'] ?? 'A',
          data_atualizacao: tinyDate(contact.updatedAt, true),
          tipos_contato: contact.tiposContato.map((tipo) => ({ tipo })),
        },
      },
      3,
    );
  }

  /**
   * `pesquisa` is a partial, case-insensitive match on name or code; `cpf_cnpj` compares digits only, so
   * `123.456.789-09` finds a contact saved as `12345678909` and vice versa (ASSUMPTION (docs/contracts.md#tiny-contatos): the usual reading).
   */
  private search({ account, params }: TinyScriptContext): TinyRetornoBody {
    const term = text(params['pesquisa'])?.toLowerCase();
    const document = digits(params['cpf_cnpj']);
    if (!term && !document) throw new TinyBusinessError(10, ['Informe o parâmetro pesquisa ou cpf_cnpj'], 1);
    const situacao = text(params['situacao'])?.toLowerCase();
    const matching = this.data.of(account.token).contacts.filter((contact) => {
      const name = (contact.fields['nome'] ?? '').toLowerCase();
      const code = (contact.fields['codigo'] ?? '').toLowerCase();
      if (term && !name.includes(term) && !code.includes(term)) return false;
      if (document && digits(contact.fields['cpf_cnpj']) !== document) return false;
      const status = (SITUATION_TEXT[contact.fields['situacao'] ?? 'A'] ?? 'Ativo').toLowerCase();
      return situacao ? status === situacao : status !== 'excluido';
    });
    const { items, pagina, numeroPaginas } = page(matching, params);
    const contatos = items.map((contact) => ({
      contato: {
        id: contact.id,
        codigo: contact.fields['codigo'] ?? '',
        nome: contact.fields['nome'] ?? '',
        fantasia: contact.fields['fantasia'] ?? '',
        tipo_pessoa: contact.fields['tipo_pessoa'] ?? 'F',
        cpf_cnpj: formatDocument(contact.fields['cpf_cnpj']),
        endereco: contact.fields['endereco'] ?? '',
        numero: contact.fields['numero'] ?? '',
        bairro: contact.fields['bairro'] ?? '',
        cep: contact.fields['cep'] ?? '',
        cidade: contact.fields['cidade'] ?? '',
        uf: contact.fields['uf'] ?? '',
        email: contact.fields['email'] ?? '',
        fone: contact.fields['fone'] ?? '',
        situacao: SITUATION_TEXT[contact.fields['situacao'] ?? 'A'] ?? 'Ativo',
        id_vendedor: 0,
        nome_vendedor: '',
        data_criacao: tinyDate(contact.createdAt, true),
      },
    }));
    return tinyOk({ pagina, numero_paginas: numeroPaginas, contatos }, 3);
  }
}

/**
 * pedido.incluir links the order's `cliente` to a contact: by CPF/CNPJ digits, then by code, and creates one
 * otherwise (ASSUMPTION (docs/contracts.md#tiny-contatos): the official layout footnotes codigo/nome/cpf_cnpj as the matching fields).
 * `atualizar_cliente: "S"` overwrites the stored fields with the ones sent.
 */
export function contactForOrder(contacts: TinyContact[], cliente: Record<string, unknown>, newId: () => number, now: number): TinyContact {
  const [existing] = findByDocumentOrCode(contacts, cliente);
  const fields = scalarFields(cliente);
  delete fields['atualizar_cliente'];
  if (existing) {
    if (text(cliente['atualizar_cliente'])?.toUpperCase() === 'S') {
      Object.assign(existing.fields, fields);
      existing.updatedAt = now;
    }
    return existing;
  }
  const contact: TinyContact = { id: newId(), fields: { situacao: 'A', ...fields }, tiposContato: ['Cliente'], createdAt: now, updatedAt: now };
  contacts.push(contact);
  return contact;
}

function findByDocumentOrCode(contacts: TinyContact[], wire: Record<string, unknown>): TinyContact[] {
  const document = digits(wire['cpf_cnpj']);
  const code = text(wire['codigo']);
  if (document) {
    const byDocument = contacts.filter((contact) => digits(contact.fields['cpf_cnpj']) === document);
    if (byDocument.length > 0) return byDocument;
  }
  return code ? contacts.filter((contact) => contact.fields['codigo'] === code) : [];
}

function requiredFieldErrors(contato: Record<string, unknown>): string[] {
  return [
    ...(text(contato['sequencia']) ? [] : ['O campo sequencia deve ser informado']),
    ...(text(contato['nome']) ? [] : ['O nome do contato deve ser informado']),
    ...(SITUATION_TEXT[text(contato['situacao']) ?? ''] ? [] : ['A situação do contato deve ser informada']),
  ];
}

function contactTypes(contato: Record<string, unknown>): string[] {
  const list = Array.isArray(contato['tipos_contato']) ? contato['tipos_contato'] : [];
  return list.flatMap((entry) => {
    const tipo = isRecord(entry) ? text(isRecord(entry['tipo_contato']) ? entry['tipo_contato']['tipo'] : entry['tipo']) : undefined;
    return tipo ? [tipo] : [];
  });
}

/** Responses show documents formatted even when they were saved as digits. */
export function formatDocument(value: string | undefined): string {
  const raw = digits(value);
  if (raw.length === 11) return `${raw.slice(0, 3)}.${raw.slice(3, 6)}.${raw.slice(6, 9)}-${raw.slice(9)}`;
  if (raw.length === 14) return `${raw.slice(0, 2)}.${raw.slice(2, 5)}.${raw.slice(5, 8)}/${raw.slice(8, 12)}-${raw.slice(12)}`;
  return value ?? '';
}
