// Every entity the ORM knows; the migration generator diffs these against the snapshot.
import {
  IdempotencyRecord,
  LedgerAccount,
  LedgerEntry,
  LedgerHold,
  LedgerLot,
  LedgerLotUse,
  LedgerPosting,
} from '../ledger/ledger.entities.js';
import { User, UserIdentity } from '../membership/user.entities.js';
import { Course, MallItem } from '../catalog/catalog.entities.js';
import { AppSetting } from '../settings/settings.entities.js';
import { AuditLog } from '../shared/audit.entities.js';
import {
  Checkin,
  EarningRule,
  LearningEvent,
  ModeratorGrant,
  Referral,
  ReferralCode,
  RewardAward,
} from '../rewards/rewards.entities.js';
import {
  CouponCode,
  Enrollment,
  PaymentEvent,
  Quote,
  Review,
  SandboxCharge,
  ShopOrder,
} from '../orders/orders.entities.js';
import { AssistantSession, FaqEntryRow, SupportTicket } from '../assistant/assistant.entities.js';
import {
  CommunityMember,
  LinkCode,
  Membership,
  ModeratorRole,
  TierChange,
} from '../membership/membership.entities.js';
import { WebSession } from '../membership/web-session.entities.js';
import { SqlSourceApplied } from './migrate.entities.js';

export const entities = [
  User,
  UserIdentity,
  LedgerAccount,
  LedgerEntry,
  LedgerPosting,
  LedgerLot,
  LedgerLotUse,
  LedgerHold,
  IdempotencyRecord,
  SqlSourceApplied,
  AppSetting,
  AuditLog,
  Course,
  MallItem,
  EarningRule,
  RewardAward,
  Checkin,
  LearningEvent,
  ReferralCode,
  Referral,
  ModeratorGrant,
  ShopOrder,
  Enrollment,
  CouponCode,
  Quote,
  PaymentEvent,
  Review,
  SandboxCharge,
  Membership,
  TierChange,
  ModeratorRole,
  CommunityMember,
  LinkCode,
  AssistantSession,
  FaqEntryRow,
  SupportTicket,
  WebSession,
];
