import { TinyApiError } from './tiny-api.error';
import { assertBatchSize, batchResultsOf, type TinyBatchRecordResult } from './tiny-batch';
import type { TinyClient } from './tiny-client';
import { digitsOnly, toInt, unwrapList } from './tiny-coercion';
import {
  mapTinyContact,
  toTinyContactsDocument,
  type TinyContact,
  type TinyContactDraft,
  type TinyContactSearch,
  type TinyContactSearchPage,
} from './tiny-contact.models';

/** Contacts (`contato.*`, `contatos.pesquisa`). Writes are batch calls: 5 a minute whatever the plan. */
export class TinyContactsApi {
  constructor(private readonly client: TinyClient) {}

  async createContacts(drafts: TinyContactDraft[]): Promise<TinyBatchRecordResult[]> {
    assertBatchSize('contato.incluir.php', drafts.length);
    return batchResultsOf(this.client.call('contato.incluir.php', { contato: toTinyContactsDocument(drafts, true) }), { throwWhenAllFail: true });
  }

  /** Tiny locates each record by `id`, then `code`, then `document`; only the fields sent change. */
  async updateContacts(drafts: TinyContactDraft[]): Promise<TinyBatchRecordResult[]> {
    assertBatchSize('contato.alterar.php', drafts.length);
    return batchResultsOf(this.client.call('contato.alterar.php', { contato: toTinyContactsDocument(drafts, false) }), { throwWhenAllFail: true });
  }

  async getContact(id: string): Promise<TinyContact> {
    const envelope = await this.client.call('contato.obter.php', { id });
    const contact = mapTinyContact(envelope.retorno['contato']);
    if (!contact) throw new TinyApiError({ kind: 'transient', script: 'contato.obter.php', messages: [{ erro: 'unexpected contato shape' }] });
    return contact;
  }

  /** Code 20 (no hits) is an empty page. */
  async searchContacts(search: TinyContactSearch): Promise<TinyContactSearchPage> {
    const page = search.page ?? 1;
    try {
      const envelope = await this.client.call('contatos.pesquisa.php', {
        pesquisa: search.text,
        cpf_cnpj: search.document,
        situacao: search.situation,
        pagina: String(page),
      });
      const contacts = unwrapList(envelope.retorno['contatos'], 'contato')
        .map(mapTinyContact)
        .filter((contact): contact is TinyContact => contact !== undefined);
      return { page: toInt(envelope.retorno['pagina']) ?? page, pageCount: toInt(envelope.retorno['numero_paginas']) ?? 1, contacts };
    } catch (error: unknown) {
      if (error instanceof TinyApiError && error.kind === 'empty') return { page, pageCount: 0, contacts: [] };
      throw error;
    }
  }

  /** The contact holding a CPF/CNPJ, however it was formatted on either side; undefined when none. */
  async findContactByDocument(document: string): Promise<TinyContact | undefined> {
    const wanted = digitsOnly(document);
    if (!wanted) return undefined;
    const { contacts } = await this.searchContacts({ document: wanted });
    return contacts.find((contact) => contact.document === wanted);
  }
}
