// Application statuses and the only transitions allowed between them.
import { ApplicationStatus } from '../generated/prisma/enums.ts';

export { ApplicationStatus };

/** The labels the portal shows. */
export const STATUS_LABEL_RU: Record<ApplicationStatus, string> = {
  draft: 'Черновик',
  submitted: 'Подано',
  processing: 'В обработке',
  under_review: 'На рассмотрении',
  approved: 'Одобрено',
  rejected: 'Отклонено',
  clarification_required: 'Требуется уточнение',
};

const { submitted, processing, under_review, approved, rejected, clarification_required } = ApplicationStatus;

export const TRANSITIONS: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  draft: [submitted, processing],
  submitted: [processing],
  // The pipeline settles an application into one of these.
  processing: [under_review, approved, rejected, clarification_required],
  // A reviewer decides; a new upload re-opens automatic processing.
  under_review: [approved, rejected, clarification_required, processing],
  // Uploading the requested documents sends it back to processing; past the deadline, rejected.
  clarification_required: [processing, rejected],
  approved: [],
  rejected: [],
};

export function canTransition(from: ApplicationStatus, to: ApplicationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** When the documents «Требуется уточнение» asks for are due, counted from `now`. */
export const clarificationDeadline = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000);

/** Statuses in which an application takes new documents. */
export function acceptsDocuments(status: ApplicationStatus): boolean {
  return canTransition(status, processing) || status === processing;
}
