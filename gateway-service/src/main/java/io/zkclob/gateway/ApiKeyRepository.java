package io.zkclob.gateway;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface ApiKeyRepository extends JpaRepository<ApiKey, String> {
    List<ApiKey> findByAccountIdOrderByCreatedAtMsAsc(long accountId);

    long countByAccountIdAndRevokedAtMsIsNull(long accountId);
}
