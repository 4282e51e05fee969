// Everything the assistant is given, member by member: the services it calls (each typed from
// its own module, narrowed to the calls it makes), its own store, and the two settings it shows.
// It never receives the ORM, a database handle or the whole configuration.
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AccountService } from '../membership/account.service.js';
import type { MembershipService } from '../membership/membership.service.js';
import type { RolesService } from '../membership/roles.service.js';
import type { UsersService } from '../membership/users.service.js';
import type { LinkService } from '../membership/link.service.js';
import type { IdentityLookup } from '../membership/identity.lookup.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { RewardsService } from '../rewards/rewards.service.js';
import type { ReferralsService } from '../rewards/referrals.service.js';
import type { CheckinService } from '../rewards/checkin.service.js';
import type { GrantsService } from '../rewards/grants.service.js';
import type { LeaderboardService } from '../rewards/leaderboard.service.js';
import type { OrdersService } from '../orders/orders.service.js';
import type { CheckoutService } from '../orders/checkout.service.js';
import type { EnrollmentCounts } from '../orders/enrollment.counts.js';
import type { SupportService } from './support.service.js';
import type { AssistantStore } from './assistant.store.js';

/** The services dialog handlers call (`ctx.s`). */
export interface AssistantServices {
  clock: Clock;
  users: Pick<UsersService, 'upsert' | 'get'>;
  identities: IdentityLookup;
  account: Pick<AccountService, 'balance' | 'history' | 'expirySummary'>;
  membership: Pick<MembershipService, 'status'>;
  roles: Pick<RolesService, 'isModerator' | 'mayModerate'>;
  link: Pick<LinkService, 'createCode' | 'redeemCode'>;
  catalog: CatalogService;
  rewards: Pick<RewardsService, 'earnGuide' | 'getRule'>;
  referrals: Pick<ReferralsService, 'info' | 'accept' | 'onInteraction'>;
  checkins: Pick<CheckinService, 'checkin' | 'status'>;
  grants: Pick<GrantsService, 'grant' | 'undo' | 'list'>;
  leaderboard: Pick<LeaderboardService, 'leaderboard'>;
  orders: OrdersService;
  enrollments: EnrollmentCounts;
  checkout: Pick<CheckoutService, 'checkoutQuote' | 'createOrder' | 'refund'>;
  settings: AssistantSettings;
}

export interface AssistantSettings {
  /** Where a pay page without its own link is reached (PUBLIC_URL). */
  publicUrl: string;
  /** How long points live, said in the expiry answer (POINTS_EXPIRY_MONTHS). */
  pointsExpiryMonths: number;
}

export interface AssistantDeps {
  services: AssistantServices;
  support: SupportService;
  store: AssistantStore;
  logger: Logger;
  /** How long the catalog seen by entity matching is cached (default 15 s). */
  catalogTtlMs?: number;
}
